/**
 * Issue 11's runbook reproducers, one per class: keys JavaScript owns, unbounded nesting and size,
 * quadratic loading, super-linear patterns, alias bombs, durations lint accepted but runs could
 * not use, and errors without a place. Each asserts the message, its line:col and a time bound.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRunbookFile, loadRunbookText, type LoadResult, type RunbookError } from '../../runbooks/load';
import { validateRunInputs } from '../../runbooks/inputs';
import { assertStartsCleanly } from '../support/start-check';

const HEADER = `# hostile
id: hostile
version: 1
title: Hostile
severity: low
`;

function errorsOf(result: LoadResult): RunbookError[] {
  if (result.ok) throw new Error('expected the runbook to be refused');
  return result.errors;
}

function timed<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

describe('runbook keys that JavaScript owns', () => {
  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf'])('with: { %s: x } is an unknown key at its line', (key) => {
    const text = `${HEADER}steps:
  - id: collect
    action: evidence.collect
    with:
      ${key}: x
      source: cloudwatch-logs
`;
    const [error] = errorsOf(loadRunbookText(text, 'proto.yaml'));
    expect(error).toMatchObject({ line: 10, col: 7 });
    expect(error.message).toContain(`has no input "${key}"`);
  });

  it('refuses __proto__ as a key anywhere, at the key', () => {
    const text = `${HEADER}inputs:\n  __proto__:\n    type: string\nsteps:\n  - id: note\n    manual:\n      task: t\n`;
    const [error] = errorsOf(loadRunbookText(text, 'proto.yaml'));
    expect(error).toMatchObject({ line: 7, col: 3 });
    expect(error.message).toMatch(/"__proto__" is not allowed/);
  });

  it('an input named constructor lints and its value validates as that input', () => {
    const text = `${HEADER}inputs:\n  constructor:\n    type: string\n    required: true\nsteps:\n  - id: note\n    manual:\n      task: "for \${{ inputs.constructor }}"\n`;
    const result = loadRunbookText(text, 'constructor.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(validateRunInputs(result.runbook, { constructor: 'alice' })).toEqual({ ok: true, values: { constructor: 'alice' } });
  });
});

describe('nesting and size', () => {
  it('a deeply nested template is "nested too deeply" at its line, not a stack overflow', () => {
    const deep = `\${{ ${'('.repeat(400)}inputs.x${')'.repeat(400)} }}`;
    const text = `${HEADER}inputs:\n  x:\n    type: string\nsteps:\n  - id: note\n    manual:\n      task: "${deep}"\n`;
    const [error] = errorsOf(loadRunbookText(text, 'deep-template.yaml'));
    expect(error.line).toBe(12);
    expect(error.message).toMatch(/nested too deeply.*the limit is 32 levels/);
  });

  it.each([
    ['block mappings', (depth: number) => Array.from({ length: depth }, (_, level) => `${' '.repeat(level)}k:`).join('\n') + ' x'],
    ['flow lists', (depth: number) => `k: ${'['.repeat(depth)}${']'.repeat(depth)}`],
    ['block lists', (depth: number) => `${'- '.repeat(depth)}x`],
  ])('deep %s are refused at a line, fast, at every depth', (kind, build) => {
    // Block mappings indent a column per level, so their depth is bounded by the file size first.
    for (const depth of kind === 'block mappings' ? [40, 300, 1_000] : [40, 300, 5_000, 200_000]) {
      const text = `${HEADER}description: d\nextra:\n${build(depth).replace(/^/gm, '  ')}\n`;
      const { value, ms } = timed(() => loadRunbookText(text, 'deep.yaml'));
      const [error] = errorsOf(value);
      expect(error.message).toMatch(/nested too deeply/);
      expect(error.line).toBeGreaterThanOrEqual(7);
      expect(ms).toBeLessThan(2_000);
    }
  });

  it('loads 25 mappings of 2,000 keys in linear time and refuses one mapping of 50,000 keys at the key past the limit', () => {
    const many = Array.from({ length: 25 }, (_, group) => `  g${group}:\n${Array.from({ length: 2_000 }, (_unused, key) => `    k${key}: ${key}`).join('\n')}`).join('\n');
    const spread = timed(() => loadRunbookText(`${HEADER}extra:\n${many}\n`, 'wide.yaml'));
    expect(errorsOf(spread.value).map((error) => error.message).join('\n')).toMatch(/"extra"/);
    expect(spread.ms).toBeLessThan(5_000);

    const one = Array.from({ length: 50_000 }, (_unused, key) => `  k${key}: ${key}`).join('\n');
    const single = timed(() => loadRunbookText(`${HEADER}extra:\n${one}\n`, 'keys.yaml'));
    const [error] = errorsOf(single.value);
    expect(error).toMatchObject({ line: 7 + 2_000 });
    expect(error.message).toMatch(/too many keys in one mapping.*the limit is 2,000 entries/);
    expect(single.ms).toBeLessThan(5_000);
  });

  it('a 60 MB runbook file is refused from its size without being read', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'quell-huge-'));
    try {
      const file = path.join(dir, 'huge.yaml');
      writeFileSync(file, HEADER);
      truncateSync(file, 60 * 1024 * 1024);
      const started = performance.now();
      const [error] = errorsOf(await loadRunbookFile(file));
      expect(error.message).toMatch(/file is too large: 62,914,560 bytes where the limit is 1 MiB/);
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a FIFO in place of a runbook is refused at once instead of blocking', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'quell-fifo-'));
    try {
      const file = path.join(dir, 'pipe.yaml');
      execFileSync('mkfifo', [file]);
      const [error] = errorsOf(await loadRunbookFile(file));
      expect(error.message).toMatch(/not a regular file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('patterns run in linear time, and lint agrees with start', () => {
  const withPattern = (pattern: string) =>
    `${HEADER}inputs:\n  name:\n    type: string\n    pattern: ${JSON.stringify(pattern)}\nsteps:\n  - id: note\n    manual:\n      task: t\n`;

  it('^(a+)+$ against a hostile input answers in milliseconds', () => {
    const result = loadRunbookText(withPattern('^(a+)+$'), 'redos.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { value, ms } = timed(() => validateRunInputs(result.runbook, { name: `${'a'.repeat(28)}!` }));
    expect(value.ok).toBe(false);
    expect(ms).toBeLessThan(100);
  });

  it.each([['(a)\\1', /backreferences and lookaround are not supported/], ['(?=a)b', /not supported/], ['[', /not a valid regular expression/]])(
    'pattern %s is a lint error at the pattern',
    (pattern, message) => {
      const [error] = errorsOf(loadRunbookText(withPattern(pattern), 'pattern.yaml'));
      expect(error).toMatchObject({ line: 9, col: 14 });
      expect(error.message).toMatch(message);
    },
  );

  it('a pattern that looks like a template lints and then validates inputs without throwing', () => {
    const result = loadRunbookText(withPattern('${{ inputs.name }}'), 'template-pattern.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(() => validateRunInputs(result.runbook, { name: 'x' })).not.toThrow();
  });

  it('an enum option the input type refuses is a lint error at the option', () => {
    const text = `${HEADER}inputs:\n  vendor:\n    type: string\n    enum: [acme, 0]\nsteps:\n  - id: note\n    manual:\n      task: t\n`;
    const [error] = errorsOf(loadRunbookText(text, 'enum.yaml'));
    expect(error).toMatchObject({ line: 9, col: 18 });
    expect(error.message).toMatch(/option 2 of input "vendor" \(text\) is invalid/);
  });
});

describe('names that are taken literally', () => {
  it.each([
    ['approvers', `  - id: gate\n    approval:\n      approvers: ["\${{ inputs.manager }}"]\n      timeout: 1h\n      summary: s\n`, { line: 11, col: 20 }],
    ['escalate_to', `  - id: gate\n    approval:\n      approvers: [leads]\n      timeout: 1h\n      on_timeout: escalate\n      escalate_to: ["\${{ inputs.manager }}"]\n      summary: s\n`, { line: 14, col: 22 }],
    ['assignee', `  - id: task\n    manual:\n      task: t\n      assignee: "\${{ inputs.manager }}"\n`, { line: 12, col: 18 }],
  ])('a template in %s is a lint error at the template', (field, step, at) => {
    const text = `${HEADER}inputs:\n  manager: { type: string }\nsteps:\n${step}`;
    const [error] = errorsOf(loadRunbookText(text, 'literal.yaml'));
    expect(error).toMatchObject(at);
    expect(error.message).toMatch(new RegExp(`^${field} names .* literally and cannot hold a template`));
  });
});

describe('credentials in URLs', () => {
  it('a URL with userinfo anywhere in a runbook is refused at its line, naming where credentials go', () => {
    const text = `${HEADER}steps:\n  - id: tell\n    action: notify\n    with:\n      channel: slack\n      message: "see https://user:pa55@api.vendor.example/x"\n`;
    const [error] = errorsOf(loadRunbookText(text, 'url.yaml'));
    expect(error).toMatchObject({ line: 11, col: 16 });
    expect(error.message).toMatch(/must not contain credentials.*connectors file/);
    expect(error.message).not.toContain('pa55');
  });
});

describe('durations and aliases', () => {
  it.each(['99999999999w', '367d', '99999999999999999999ms'])('timeout %s is a lint error naming the limit (not "Invalid time value" at run time)', (duration) => {
    const text = `${HEADER}steps:\n  - id: gate\n    approval:\n      approvers: [leads]\n      timeout: ${duration}\n      summary: s\n`;
    const [error] = errorsOf(loadRunbookText(text, 'duration.yaml'));
    expect(error).toMatchObject({ line: 10, col: 16 });
    expect(error.message).toMatch(/durations may be at most 366 days/);
  });

  it('a retry whose max_interval is below its initial_interval is a lint error (Temporal would refuse the policy)', () => {
    const text = `${HEADER}steps:\n  - id: revoke\n    action: credentials.revoke\n    with:\n      provider: aws-iam\n      principal: alice\n    retry:\n      max_attempts: 3\n      initial_interval: 5m\n      max_interval: 1s\n`;
    const [error] = errorsOf(loadRunbookText(text, 'retry.yaml'));
    expect(error).toMatchObject({ line: 15, col: 21 });
    expect(error.message).toMatch(/max_interval \(1s\) is shorter than initial_interval \(5m\)/);
  });

  it('an initial_interval above the default cap starts with a policy Temporal accepts', () => {
    const text = `${HEADER}steps:\n  - id: revoke\n    action: credentials.revoke\n    with:\n      provider: aws-iam\n      principal: alice\n    retry:\n      max_attempts: 3\n      initial_interval: 5m\n`;
    const result = loadRunbookText(text, 'retry.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(() => assertStartsCleanly(result.runbook)).not.toThrow();
  });

  it('an alias bomb is refused at an alias with a clear reason, not at 1:1', () => {
    const bomb = `a: &a [x,x,x,x,x,x,x,x,x]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]`;
    const [error] = errorsOf(loadRunbookText(`${HEADER}extra:\n${bomb.replace(/^/gm, '  ')}\n`, 'bomb.yaml'));
    expect(error.line).toBeGreaterThan(7);
    expect(error.message).toMatch(/alias bomb/);
  });

  it('an alias to no anchor is located at the alias', () => {
    const [error] = errorsOf(loadRunbookText(`${HEADER}steps:\n  - *nowhere\n`, 'alias.yaml'));
    expect(error).toMatchObject({ line: 7, col: 5 });
    expect(error.message).toMatch(/refers to no anchor/);
  });
});
