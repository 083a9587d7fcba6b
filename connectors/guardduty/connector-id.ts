/** The `guardduty` evidence source's connector id, as `quell doctor` and failures name it. */
export const GUARDDUTY_CONNECTOR = 'evidence-source:guardduty';
