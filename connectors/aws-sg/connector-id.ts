/** The `aws-sg` connector's id, as runbooks (`provider: aws-sg`), rule ids, `quell doctor` and failures name it. */
export const AWS_SG_CONNECTOR = 'aws-sg';
