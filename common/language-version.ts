/**
 * The newest runbook language this Quell reads. Language 1 is what runbooks could say before
 * decisions, loops and the other constructs of language 2 (runbooks/language.ts lists them); a
 * runbook that pins `language: 1` is refused any of them, so it keeps meaning what it meant.
 * Workflow-safe: a constant.
 */
export const LANGUAGE_VERSION = 2;
