/**
 * The rules a run applies to what people send it, for surfaces that check a value while the
 * person is still in front of them (a modal field, a slash command's words, a button's value),
 * before client/runs.ts sends anything. They are the run's own rules, re-exported rather than
 * restated, so a surface can never accept what the workflow's validator would refuse.
 */
export { freeTextProblem, referenceProblem } from '../workflows/messages';
export { INCIDENT_ID_PATTERN, INCIDENT_ID_RULE } from '../workflows/ids';
