/** The `local` evidence store's connector id, as `quell doctor` and failures name it. */
export const LOCAL_STORE_CONNECTOR = 'evidence-store:local';
