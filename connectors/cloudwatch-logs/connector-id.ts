/** The `cloudwatch-logs` evidence source's connector id, as `quell doctor` and failures name it. */
export const CLOUDWATCH_LOGS_CONNECTOR = 'evidence-source:cloudwatch-logs';
