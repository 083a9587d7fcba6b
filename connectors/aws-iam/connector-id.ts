/** The `aws-iam` connector's id, as runbooks (`provider: aws-iam`), `quell doctor` and failures name it. */
export const AWS_IAM_CONNECTOR = 'aws-iam';
