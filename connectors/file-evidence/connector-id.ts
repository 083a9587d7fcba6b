/** The `file` evidence source's connector id, as `quell doctor` and failures name it. */
export const FILE_EVIDENCE_CONNECTOR = 'evidence-source:file';
