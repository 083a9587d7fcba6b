/** Small wording helpers for messages people read. Workflow-safe. */

/** "an action", "a wait": the indefinite article that fits the word. */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
