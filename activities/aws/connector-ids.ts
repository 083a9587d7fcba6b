/** Connector ids of the AWS family, as `quell doctor`, readiness messages and failures name them. */
export const AWS_IAM_CONNECTOR = 'aws-iam';
export const AWS_SG_CONNECTOR = 'aws-sg';
