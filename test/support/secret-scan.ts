/**
 * Scanning text (a decoded workflow history, captured logs, what was sent out) for secrets, for
 * the secret-hygiene tests. A secret counts as leaked when it appears as is, URL-encoded, or
 * base64-encoded; results name the secret (its label), never its value, so a failing assertion
 * does not print the secret it found.
 */
import { format } from 'node:util';

export interface SecretForm {
  label: string;
  text: string;
}

/** Shorter base64 fragments than this would be too likely to occur by chance. */
const MIN_FRAGMENT = 8;

/**
 * The forms of one secret whose presence counts as a leak: the value as is, URL-encoded (when
 * that differs), and base64-encoded. Base64 of a longer text that contains the value depends on
 * where the value starts (its offset modulo 3), so there is one form per alignment: the characters
 * that encode only the value's own bytes from the first byte on a 3-byte boundary, independent of
 * whatever comes before or after it.
 */
export function formsOf(label: string, value: string): SecretForm[] {
  const forms: SecretForm[] = [{ label, text: value }];
  if (encodeURIComponent(value) !== value) forms.push({ label: `${label} (url-encoded)`, text: encodeURIComponent(value) });
  const bytes = Buffer.from(value);
  for (let skip = 0; skip < 3; skip += 1) {
    const aligned = bytes.subarray(skip);
    const text = aligned.toString('base64').slice(0, Math.floor(aligned.length / 3) * 4);
    if (text.length >= MIN_FRAGMENT) forms.push({ label: skip === 0 ? `${label} (base64)` : `${label} (base64, offset +${skip})`, text });
  }
  return forms;
}

/** {@link formsOf} for every `[label, value]`. */
export function secretForms(named: ReadonlyArray<readonly [string, string]>): SecretForm[] {
  return named.flatMap(([label, value]) => formsOf(label, value));
}

/** Labels of the forms found in `text` (never the values, so a failure does not print them). */
export function leaksIn(text: string, forms: readonly SecretForm[]): string[] {
  return forms.filter((form) => text.includes(form.text)).map((form) => form.label);
}

/**
 * Which of `expected` (texts or patterns) `text` lacks. Asserting on this list rather than on the
 * text keeps a failure from printing the whole log, and with it any secret that did leak.
 */
export function missing(text: string, expected: ReadonlyArray<string | RegExp>): string[] {
  return expected.filter((item) => (typeof item === 'string' ? !text.includes(item) : !item.test(text))).map(String);
}

/**
 * Records into `printed` whatever is printed past the loggers from now on: console calls (which
 * are swallowed) and writes to stdout and stderr (which still go through). Returns the function
 * that stops recording.
 */
export function capturePrinted(printed: string[]): () => void {
  const undo: Array<() => void> = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const spy = jest.spyOn(console, method).mockImplementation((...parts: unknown[]) => void printed.push(format(...parts)));
    undo.push(() => spy.mockRestore());
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]) {
      printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...args: unknown[]) => boolean).apply(this, [chunk, ...rest]);
    } as typeof stream.write;
    undo.push(() => void (stream.write = original));
  }
  return () => undo.forEach((restore) => restore());
}
