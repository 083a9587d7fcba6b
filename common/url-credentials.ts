/**
 * Credentials written into URLs (`https://user:password@host/`, `https://token@host/`). A URL is
 * the kind of value that travels: client libraries put it in their error messages, failures copy
 * those messages into a run's history, loggers print them. So the connectors file refuses such
 * URLs (config/http-url.ts), and every text that leaves a client on a failure path
 * goes through {@link redactUrlCredentials}, which takes the userinfo out of any URL in it.
 *
 * Three spellings are recognised, because a URL reaches text in each of them: as written
 * (`https://u:p@h`), JSON-escaped (`https:\/\/u:p@h`) and percent-encoded inside another URL's
 * query (`https%3A%2F%2Fu%3Ap%40h`).
 *
 * The scan is linear in the text (no backtracking regular expression: these functions run on
 * arbitrary error text), and workflow-safe (pure functions).
 */

export const REDACTED_USERINFO = '[redacted]';

interface Spelling {
  /** What follows the scheme: `://` in one of its spellings. */
  separator: RegExp;
  /** Where the authority (the part holding `userinfo@host`) ends. */
  authorityEnd: RegExp;
  /** The `@` between userinfo and host in this spelling. */
  at: string;
}

const SPELLINGS: readonly Spelling[] = [
  // As written. The authority ends at the path, query or fragment, or where the text around the
  // URL resumes (whitespace, quotes, brackets, a backslash of a JSON escape).
  { separator: /:\/\//g, authorityEnd: /[\s/?#"'<>`\\]/g, at: '@' },
  // JSON-escaped slashes, as some serialisers write them.
  { separator: /:\\\/\\\//g, authorityEnd: /[\s/?#"'<>`\\]/g, at: '@' },
  // Percent-encoded as a whole (a URL passed as a query parameter); `&` ends the parameter.
  { separator: /%3A%2F%2F/gi, authorityEnd: /%2F|%3F|%23|[\s/?#&"'<>`\\]/gi, at: '%40' },
];

interface Span {
  start: number;
  end: number;
}

/** Userinfo spans (`user:password` before the last `@` of an authority) in one spelling. */
function userinfoSpans(text: string, spelling: Spelling): Span[] {
  const spans: Span[] = [];
  const separator = new RegExp(spelling.separator.source, spelling.separator.flags);
  const authorityEnd = new RegExp(spelling.authorityEnd.source, spelling.authorityEnd.flags);
  for (let match = separator.exec(text); match !== null; match = separator.exec(text)) {
    const start = match.index + match[0].length;
    authorityEnd.lastIndex = start;
    const end = authorityEnd.exec(text)?.index ?? text.length;
    // URL parsers split userinfo from host at the *last* `@` of the authority, so a password
    // holding a raw `@` is still wholly userinfo.
    const authority = spelling.at === '@' ? text.slice(start, end) : text.slice(start, end).toUpperCase();
    const at = authority.lastIndexOf(spelling.at);
    if (at >= 0) spans.push({ start, end: start + at });
    // The search goes on right after this separator (a `://` may hide inside an odd authority).
    // Still linear: every separator contains a character that ends an authority, so the scans
    // of consecutive authorities overlap by at most one character.
  }
  return spans;
}

/**
 * `text` with the userinfo of every URL in it replaced by {@link REDACTED_USERINFO}:
 * `https://bob:pa55@api.example/x` becomes `https://[redacted]@api.example/x`.
 */
export function redactUrlCredentials(text: string): string {
  // Cheap exit for the common case: no URL separator at all.
  if (!text.includes('/') && !/%3A%2F%2F/i.test(text)) return text;
  let result = text;
  for (const spelling of SPELLINGS) {
    const spans = userinfoSpans(result, spelling);
    if (spans.length === 0) continue;
    let rebuilt = '';
    let from = 0;
    for (const span of spans) {
      rebuilt += result.slice(from, span.start) + REDACTED_USERINFO;
      from = span.end;
    }
    result = rebuilt + result.slice(from);
  }
  return result;
}

/**
 * Why a value holding a URL with credentials is refused, and what to do instead (`advice`, e.g.
 * "give the token as token: { env: VARIABLE }"). Reads after the field's name.
 */
export function urlCredentialsRefusal(advice: string): string {
  return (
    'must not contain credentials ("user:password@" or "token@" before the host): a credential written in a URL is copied into ' +
    `logs, error messages and run histories. Remove it; ${advice}`
  );
}

/**
 * Whether a URL carries credentials: a user name, a password, or an `@` in its authority at all
 * (`https://@host` is harmless but means someone meant to put something there).
 */
export function hasUrlCredentials(url: string): boolean {
  return SPELLINGS.some((spelling) => userinfoSpans(url, spelling).length > 0);
}
