/**
 * How the JSON-lines files were read before they were indexed: split on newlines, parse each
 * line, skip what does not parse. The benchmark's baseline and the property test's oracle both
 * use it, so they compare the index with the same old behaviour.
 */
export function parseAllLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as T];
      } catch {
        return [];
      }
    });
}
