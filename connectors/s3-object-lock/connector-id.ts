/** The `s3-object-lock` evidence store's connector id, as `quell doctor` and failures name it. */
export const S3_STORE_CONNECTOR = 'evidence-store:s3-object-lock';
