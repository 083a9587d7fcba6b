/** The `iam-credential-report` evidence source's connector id, as `quell doctor` and failures name it. */
export const IAM_CREDENTIAL_REPORT_CONNECTOR = 'evidence-source:iam-credential-report';
