/** The `http` evidence source's connector id, as `quell doctor` and failures name it. */
export const HTTP_EVIDENCE_CONNECTOR = 'evidence-source:http';
