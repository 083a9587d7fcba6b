/**
 * Generators of what a hostile or careless person types, shared by the input, Update payload and
 * Slack payload fuzz suites: names JavaScript gives meaning to, characters that forge what people
 * see, text of every Unicode plane (lone surrogates included), and values past the limits.
 * Sizes stay bounded so a suite of thousands of cases runs in seconds.
 */
import fc from 'fast-check';
import { findForbiddenCharacter } from '../../common/text-safety';

/** Keys every object answers to, plus the one that replaces an object's prototype. */
export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
] as const;

/** Characters that can forge a line, recolour a terminal or hide text; plus ones that break quoting. */
export const FORGING_CHARACTERS = ['\n', '\r', '\t', '\u0000', '\u001b', '\u001b[31m', '\u007f', '\u0085', '\u009b', '\u061c', '\u200b', '\u200e', '\u2028', '\u202e', '\u2066', '\ufeff', '\ud800', '\udfff'] as const;
const QUOTING = ['"', "'", '\\', '<', '>', '&', '=', ',', '`', ' ', '  '] as const;

export const prototypeName = fc.constantFrom(...PROTOTYPE_NAMES);
export const forgingCharacter = fc.constantFrom(...FORGING_CHARACTERS);

/** A short string of mixed hostile pieces and ordinary words. */
export const hostilePieces = fc
  .array(fc.oneof(forgingCharacter, fc.constantFrom(...QUOTING), prototypeName, fc.constantFrom('alice', 'INC-1', 'approve', '203.0.113.7', 'x')), { maxLength: 6 })
  .map((parts) => parts.join(''));

/** Text just past, at, or well past a length limit (bounded: the largest is 70,000 characters). */
export function aroundLimit(limit: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(limit - 1, limit, limit + 1, limit * 2, 70_000), fc.constantFrom('a', 'é', '𝒳', '\u202e'))
    .map(([length, char]) => char.repeat(Math.max(1, Math.floor(length / char.length))));
}

/** Any of the above, or arbitrary Unicode (every plane, lone surrogates included). */
export function hostileText(options: { limit?: number } = {}): fc.Arbitrary<string> {
  const choices: Array<fc.Arbitrary<string>> = [
    hostilePieces,
    prototypeName,
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ maxLength: 20 }),
  ];
  if (options.limit !== undefined) choices.push(aroundLimit(options.limit));
  return fc.oneof(...choices);
}

/** True when text is one visible line (or, with `lines`, visible lines). */
export function isVisible(text: string, lines = false): boolean {
  return findForbiddenCharacter(text, { allowLineBreaks: lines }) === undefined;
}

/** Every own property name of Object.prototype now: compared before and after, it shows pollution. */
export function prototypeSnapshot(): string {
  return JSON.stringify([Object.getOwnPropertyNames(Object.prototype).sort(), Object.getPrototypeOf({}) === Object.prototype]);
}

/** Fails when one case took longer than `boundMs`. */
export function withinTime<T>(boundMs: number, what: string, run: () => T): T {
  const began = performance.now();
  const result = run();
  const took = performance.now() - began;
  if (took > boundMs) throw new Error(`${what} took ${took.toFixed(0)} ms (bound ${boundMs} ms)`);
  return result;
}
