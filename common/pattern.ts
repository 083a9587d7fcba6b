/**
 * Input `pattern`s: regular expressions written by runbook authors and run on text typed by
 * responders. JavaScript's backtracking engine can spend seconds on a short input for patterns
 * like `^(a+)+$`, so patterns are compiled and matched by RE2's linear-time algorithm (re2js, a
 * pure-JS port), at lint time and when a run starts alike: what lints is what runs, and no input
 * can make matching slow. The price is RE2's syntax: no backreferences or lookaround.
 *
 * Workflow-safe: re2js is pure JavaScript with no I/O.
 */
import { RE2JS } from 're2js';
import { LIMITS, limitMessage } from './limits';

export type CompiledPattern = { ok: true; test(text: string): boolean } | { ok: false; message: string };

/** Compiled patterns, so validating many inputs against one pattern compiles it once. */
const cache = new Map<string, CompiledPattern>();
const CACHE_SIZE = 256;

function compileUncached(pattern: string): CompiledPattern {
  if (pattern.length > LIMITS.patternLength.value) return { ok: false, message: `pattern ${limitMessage('patternLength', pattern.length)}` };
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    const detail = (error as Error).message.replace(/^error parsing regexp: /, '');
    const hint = /\\[1-9]|\(\?[=!<]/.test(pattern) ? ' (backreferences and lookaround are not supported: patterns are matched in linear time)' : '';
    return { ok: false, message: `pattern is not a valid regular expression: ${detail}${hint}` };
  }
  return { ok: true, test: (text: string) => compiled.matcher(text).find() };
}

/**
 * Compiles an input pattern, or explains why it cannot be used. Matching searches the text like
 * JavaScript's `RegExp.test` (anchor with `^...$` for a whole-value match).
 */
export function compilePattern(pattern: string): CompiledPattern {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const compiled = compileUncached(pattern);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}

/** Whether `text` matches `pattern`; a pattern that does not compile matches nothing. */
export function matchesPattern(pattern: string, text: string): boolean {
  const compiled = compilePattern(pattern);
  return compiled.ok && compiled.test(text);
}
