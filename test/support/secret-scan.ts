/**
 * Scanning text (a decoded workflow history, captured logs, what was sent out) for secrets, for
 * the secret-hygiene tests and the run-wide scan (test/zz-secret-scan). A secret counts as leaked
 * when it appears as is, URL-encoded, percent-encoded as URL userinfo, JSON-escaped, or
 * base64-encoded; a secret that is itself a URL with credentials also leaks through its password
 * alone. Results name the secret (its label), never its value, so a failing assertion does not
 * print the secret it found.
 */
import { format } from 'node:util';

export interface SecretForm {
  label: string;
  text: string;
}

/** Shorter base64 fragments than this would be too likely to occur by chance. */
const MIN_FRAGMENT = 8;

/**
 * `value` as URL userinfo percent-encodes it (WHATWG URL, the userinfo percent-encode set): what
 * `https://user:${value}@host` becomes once parsed and printed, as `new URL`, `fetch` and most
 * HTTP clients do. It differs from `encodeURIComponent` (e.g. `+`, `$`, `,`, `&` stay as they are).
 */
export function userinfoEncoded(value: string): string {
  const url = new URL('https://userinfo.invalid/');
  url.password = value;
  return url.password;
}

/**
 * The credential of `value` when it is an absolute URL carrying one: its password
 * (`scheme://user:password@host`), or its user name when that is all there is
 * (`https://TOKEN@host`, as Git hosts accept tokens).
 */
export function urlCredential(value: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) return undefined;
  try {
    const url = new URL(value);
    const credential = url.password || url.username;
    return credential ? decodeURIComponent(credential) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The forms of one secret whose presence counts as a leak:
 * - the value as is (which also covers `scheme://user:VALUE@host` and any other text around it);
 * - URL-encoded (`encodeURIComponent`), percent-encoded as URL userinfo, and JSON-escaped, each
 *   when it differs from the forms before it;
 * - base64-encoded. Base64 of a longer text that contains the value depends on where the value
 *   starts (its offset modulo 3), so there is one form per alignment: the characters that encode
 *   only the value's own bytes from the first byte on a 3-byte boundary, independent of whatever
 *   comes before or after it (an HTTP Basic `Authorization` header built from URL userinfo
 *   included);
 * - for a URL with credentials (`https://user:pa55word@api.vendor.example/`), all of the above for
 *   its password (or user name, when alone) too: a message that drops the rest of the URL still
 *   leaks it.
 */
export function formsOf(label: string, value: string): SecretForm[] {
  const forms: SecretForm[] = [];
  const add = (form: SecretForm): void => {
    if (!forms.some((known) => known.text === form.text)) forms.push(form);
  };
  add({ label, text: value });
  add({ label: `${label} (url-encoded)`, text: encodeURIComponent(value) });
  add({ label: `${label} (url userinfo)`, text: userinfoEncoded(value) });
  add({ label: `${label} (json-escaped)`, text: JSON.stringify(value).slice(1, -1) });
  const bytes = Buffer.from(value);
  for (let skip = 0; skip < 3; skip += 1) {
    const aligned = bytes.subarray(skip);
    const text = aligned.toString('base64').slice(0, Math.floor(aligned.length / 3) * 4);
    if (text.length >= MIN_FRAGMENT) add({ label: skip === 0 ? `${label} (base64)` : `${label} (base64, offset +${skip})`, text });
  }
  const credential = urlCredential(value);
  if (credential !== undefined && credential !== value) formsOf(`${label} (its URL credential)`, credential).forEach(add);
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
