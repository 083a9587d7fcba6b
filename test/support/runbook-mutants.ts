/**
 * Seeded mutations of valid runbooks for property tests: structural edits of the parsed document
 * (delete, rename to a hostile key, replace with a hostile value, duplicate or swap list items)
 * re-serialised as YAML, plus text edits (drop, duplicate or indent a line, cut the file, splice
 * hostile text) that break YAML itself. Hostile values are the classes issue 11 found: keys
 * JavaScript owns, huge and deep values, control characters, super-linear patterns, overlong
 * durations, deep templates.
 */
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO } from './runbooks';

export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'prototype', 'toLocaleString'];

/** The shipped runbooks and the valid test fixtures: the seeds every mutant starts from. */
export function seedRunbookTexts(): Array<{ name: string; text: string }> {
  const dirs = [path.join(REPO, 'runbooks'), path.join(REPO, 'test', 'fixtures', 'runbooks')];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') })),
  );
}

const deepTemplate = (depth: number) => `\${{ ${'('.repeat(depth)}inputs.principal${')'.repeat(depth)} }}`;

const HOSTILE_TEXT = [
  '${{ inputs.principal }}',
  '${{ steps.missing.output.x }}',
  '${{ inputs.constructor }}',
  '${{ inputs.__proto__ }}',
  '${{ run.constructor }}',
  '${{ steps.__proto__.output }}',
  '${{ steps.toString.status }}',
  '${{ constructor }}',
  '${{ inputs.principal.constructor.constructor }}',
  deepTemplate(10),
  deepTemplate(40),
  deepTemplate(400),
  `\${{ ${'!'.repeat(500)}true }}`,
  `\${{ ${Array.from({ length: 600 }, () => 'inputs.principal').join(' && ')} }}`,
  '${{ ',
  '${{ "unterminated }}',
  '^(a+)+$',
  '(a|aa)+$',
  '(a)\\1',
  '(?=a)b',
  '[',
  '999999999999w',
  '99999999999999999999d',
  '366d1ms',
  '52w2d',
  '0s',
  '1h',
  'line one\nline two',
  'carriage\rreturn',
  '\u001b[31mred\u001b[0m',
  'evil\u202eexe.txt',
  'zero\u200bwidth',
  '\u0000',
  'https://user:pa55@api.vendor.example/delete',
  'x'.repeat(20_000),
  '${{ inputs.principal }}'.repeat(300),
  '',
  ' ',
];

/** Text values, mostly hostile, sometimes arbitrary Unicode. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((inner) => `\${{ ${inner} }}`) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
);

const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom('id', 'action', 'with', 'when', 'approval', 'wait', 'manual', 'parallel', 'steps', 'inputs', 'timeout', 'pattern', 'default', 'type', 'source', 'provider', 'compensate', 'initial_interval', 'max_interval', 'remind_every', 'enum', 'quorum') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

const nested = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { k: value };
  return value;
};

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e308, -1, 0, 2 ** 53 + 1)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}) },
  { weight: 1, arbitrary: fc.array(hostileText, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileKey, hostileText, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 5, max: 80 }).map((depth) => nested(depth, 'leaf')) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 3_000 }, (_, index) => `item-${index}`)) },
);

type Edit =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'rename'; at: number; key: string }
  | { kind: 'add-key'; at: number; key: string; value: unknown }
  | { kind: 'duplicate-item'; at: number }
  | { kind: 'swap-items'; at: number; other: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), key: hostileKey }),
  fc.record({ kind: fc.constant('add-key' as const), at: fc.nat(), key: hostileKey, value: hostileValue }),
  fc.record({ kind: fc.constant('duplicate-item' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-items' as const), at: fc.nat(), other: fc.nat() }),
);

type TextEdit =
  | { kind: 'drop-line' | 'duplicate-line'; line: number }
  | { kind: 'indent'; line: number; by: number }
  | { kind: 'cut'; at: number }
  | { kind: 'splice'; at: number; text: string };

const yamlNoise = fc.constantFrom('&a [1, 2]', '*a', '*nowhere', ': :', '- - -', '{', ']', '"', "'", '---\nid: x', '!!binary x', '? [a]: b', '\t', `${'['.repeat(3000)}`, `${'- '.repeat(500)}x`);

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('drop-line' as const, 'duplicate-line' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), text: fc.oneof(yamlNoise, hostileText) }),
);

/** Every [container, key] in a document, depth first, so an index picks any node to edit. */
function slots(root: unknown): Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> {
  const found: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        found.push({ parent: value, key: index });
        walk(item);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        found.push({ parent: value as Record<string, unknown>, key });
        walk((value as Record<string, unknown>)[key]);
      }
    }
  };
  walk(root);
  return found;
}

function setKey(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

function applyEdit(root: unknown, original: Edit): void {
  // Values from constant arbitraries are shared between cases: edit a copy, never the constant.
  const change = structuredClone(original);
  const all = slots(root);
  if (all.length === 0) return;
  const { parent, key } = all[change.at % all.length];
  if (Array.isArray(parent)) {
    const index = key as number;
    if (change.kind === 'delete') parent.splice(index, 1);
    else if (change.kind === 'replace') parent[index] = change.value;
    else if (change.kind === 'duplicate-item') parent.splice(index, 0, structuredClone(parent[index]));
    else if (change.kind === 'swap-items') {
      const other = change.other % parent.length;
      [parent[index], parent[other]] = [parent[other], parent[index]];
    }
    return;
  }
  const name = key as string;
  if (change.kind === 'delete') delete parent[name];
  else if (change.kind === 'replace') setKey(parent, name, change.value);
  else if (change.kind === 'rename') {
    const value = parent[name];
    delete parent[name];
    setKey(parent, change.key, value);
  } else if (change.kind === 'add-key') setKey(parent, change.key, change.value);
}

function applyTextEdit(text: string, change: TextEdit): string {
  const lines = text.split('\n');
  switch (change.kind) {
    case 'drop-line':
      lines.splice(change.line % lines.length, 1);
      return lines.join('\n');
    case 'duplicate-line': {
      const index = change.line % lines.length;
      lines.splice(index, 0, lines[index]);
      return lines.join('\n');
    }
    case 'indent': {
      const index = change.line % lines.length;
      lines[index] = change.by >= 0 ? ' '.repeat(change.by) + lines[index] : lines[index].slice(Math.min(-change.by, lines[index].length - lines[index].trimStart().length));
      return lines.join('\n');
    }
    case 'cut':
      return text.slice(0, change.at % (text.length + 1));
    case 'splice': {
      const at = change.at % (text.length + 1);
      return text.slice(0, at) + change.text + text.slice(at);
    }
  }
}

/** A mutant runbook text: one seed, 1-3 structural edits, sometimes a text edit on top. */
export function runbookMutant(seeds: Array<{ name: string; text: string }>): fc.Arbitrary<{ seed: string; text: string }> {
  return fc
    .record({
      seed: fc.nat({ max: seeds.length - 1 }),
      edits: fc.array(edit, { minLength: 0, maxLength: 3 }),
      textEdits: fc.oneof({ weight: 3, arbitrary: fc.constant([] as TextEdit[]) }, { weight: 1, arbitrary: fc.array(textEdit, { minLength: 1, maxLength: 2 }) }),
    })
    .map(({ seed, edits, textEdits }) => {
      const source = seeds[seed];
      const document: unknown = parse(source.text);
      for (const change of edits) applyEdit(document, change);
      // A comment first, as in the shipped files: an error that falls back to 1:1 then points at
      // no content, which the loader fuzz test catches.
      let text = `# mutant of ${source.name}\n${stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 })}`;
      for (const change of textEdits) text = applyTextEdit(text, change);
      // Counterexamples print briefly; the full text is in the replay (seed + path).
      return Object.assign({ seed: source.name, text }, { [fc.toStringMethod]: () => `mutant of ${source.name} (${text.length} chars): ${JSON.stringify(text.slice(0, 600))}` });
    });
}
