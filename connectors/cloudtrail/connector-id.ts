/** The `cloudtrail` evidence source's connector id, as `quell doctor` and failures name it. */
export const CLOUDTRAIL_CONNECTOR = 'evidence-source:cloudtrail';
