import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRunbookError, lintFiles, loadRunbookDirectory, loadRunbookFile, loadRunbookText } from '../../runbooks/load';
import { gateQuorum } from '../../runbooks/approver-groups';
import { ACTION_NAMES } from '../../common/actions';
import type { ApprovalStepSpec } from '../../runbooks/schema';

const HEADER = 'id: sample\nversion: 1\ntitle: Sample\nseverity: low\n';

/** `line:col: message` for each error, or [] when the text loads. */
function errorsOf(text: string): string[] {
  const result = loadRunbookText(text, 'sample.yaml');
  return result.ok ? [] : result.errors.map((error) => `${error.line}:${error.col}: ${error.message}`);
}

describe('loadRunbookText', () => {
  it('returns the parsed runbook with defaults applied and the sha256 of the text', () => {
    const text = `${HEADER}steps:\n  - id: ok\n    approval: { approvers: [sre], timeout: 1h, summary: Go? }\n`;
    const result = loadRunbookText(text, 'sample.yaml');
    expect(result).toMatchObject({ ok: true, file: 'sample.yaml', sha256: createHash('sha256').update(text).digest('hex') });
    if (!result.ok) throw new Error('unreachable');
    expect(result.runbook.inputs).toEqual({});
    expect(result.runbook.steps[0]).toMatchObject({ approval: { on_timeout: 'reject' } });
    // An unset quorum means one approval (runbooks/approver-groups.ts); it is not written into the runbook.
    expect(gateQuorum((result.runbook.steps[0] as ApprovalStepSpec).approval)).toBe(1);
  });

  it('refuses documents that are not a runbook mapping', () => {
    expect(errorsOf('')).toEqual(['1:1: a runbook must be a YAML mapping with at least: id, version, title, severity, steps']);
    expect(errorsOf('- id: x\n')).toEqual(['1:1: a runbook must be a YAML mapping with at least: id, version, title, severity, steps']);
  });

  it('refuses several documents, unresolved tags and aliases', () => {
    expect(errorsOf(`${HEADER}---\nid: other\n`)).toEqual([
      '5:1: a runbook file holds exactly one YAML document: remove the "---" separator or split the file',
    ]);
    expect(errorsOf(`${HEADER}steps: !include more.yaml\n`)[0]).toMatch(/^5:8: YAML syntax: Unresolved tag: !include/);
    expect(errorsOf(`${HEADER}steps: *later\n`)).toEqual(['5:8: YAML: alias "*later" refers to no anchor: define "&later" before using it']);
  });

  it('points at the key for an empty value and at the mapping for a missing key', () => {
    expect(errorsOf('id: sample\nversion: 1\ntitle:\nseverity: low\nsteps:\n  - id: a\n    wait: {}\n')).toEqual([
      '3:1: title must be text, got an empty value',
      '7:11: missing required key "event"',
    ]);
  });

  it('reports every schema problem of a step by its kind, sorted by position', () => {
    // A zod union would report only one variant's view of this step; we want both mistakes.
    const text = `${HEADER}steps:\n  - id: a\n    action: notfy\n    with: { message: hi }\n    approvers: [x]\n    retry: { max_attempts: 0 }\n`;
    expect(errorsOf(text)).toEqual([
      `7:13: unknown action "notfy"; known actions: ${ACTION_NAMES.join(', ')} (did you mean "notify"?)`,
      '9:5: unknown key "approvers"; allowed keys here: id, title, when, timeout, retry, on_error, phase, controls, background, action, with, compensate',
      '10:28: max_attempts must be at least 1, got 0',
    ]);
  });

  it('says which kind keys conflict in a branch, and validates other branches normally', () => {
    const text = `${HEADER}steps:\n  - id: p\n    parallel:\n      - id: a\n        wait: { event: x }\n        manual: { task: y }\n      - id: B\n        manual: { task: z }\n`;
    expect(errorsOf(text)).toEqual([
      '10:9: step has conflicting kinds: "wait" and "manual"; a step does exactly one of: action, approval, parallel, wait, manual, sleep, decision, end, foreach, observe, runbook, sequence, severity (split it into separate steps)',
      '11:13: step id must be kebab-case (lowercase letters, digits and single hyphens); got "B"',
    ]);
  });

  it('counts branches and names them', () => {
    expect(errorsOf(`${HEADER}steps:\n  - id: p\n    parallel:\n      - { id: a, manual: { task: t } }\n`)).toEqual(['8:7: parallel needs at least 2 branches']);
    expect(errorsOf(`${HEADER}steps: []\n`)).toEqual(['5:8: steps needs at least 1 item']);
  });

  it('reports record key problems at the key', () => {
    const text = `${HEADER}inputs:\n  Principal: { type: string }\nsteps:\n  - { id: a, manual: { task: t } }\n`;
    expect(errorsOf(text)).toEqual(['6:3: input names must be snake_case; got "Principal"']);
  });

  describe('template errors point inside the string', () => {
    const at = (value: string) => errorsOf(`${HEADER}steps:\n  - id: a\n    manual:\n      task: ${value}\n`)[0];

    it('in plain scalars', () => {
      expect(at('Call ${{ inputs.vendor }}')).toMatch(/^8:22: inputs.vendor is not declared/);
    });

    it('in double-quoted scalars with escapes before the template', () => {
      expect(at('"Tab\\there \\u00e9 ${{ inputs.vendor }}"')).toMatch(/^8:35: inputs.vendor/);
    });

    it("in single-quoted scalars with '' escapes", () => {
      expect(at("'It''s ${{ inputs.vendor }}'")).toMatch(/^8:24: inputs.vendor/);
    });

    it('in literal blocks, on the right line', () => {
      expect(at('|\n        First line\n        then ${{ inputs.vendor }}\n')).toMatch(/^10:18: inputs.vendor/);
    });

    it('falls back to the scalar start where lines are folded', () => {
      expect(at('>\n        First line\n        then ${{ inputs.vendor }}\n')).toMatch(/^8:13: inputs.vendor/);
    });
  });

  it('removes exact duplicates', () => {
    const text = `${HEADER}steps:\n  - id: a\n    manual:\n      task: \${{ inputs.x }} \${{ inputs.x }}\n`;
    expect(errorsOf(text)).toEqual([
      '8:17: inputs.x is not declared: this runbook declares no inputs; add it under "inputs:"',
      '8:33: inputs.x is not declared: this runbook declares no inputs; add it under "inputs:"',
    ]);
  });
});

describe('files and directories', () => {
  let dir: string;
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  const runbook = (id: string) => `id: ${id}\nversion: 1\ntitle: T\nseverity: low\nsteps:\n  - { id: a, manual: { task: t } }\n`;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'quell-load-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('hashes the file bytes', async () => {
    write('a.yaml', runbook('alpha'));
    const result = await loadRunbookFile(join(dir, 'a.yaml'));
    expect(result.ok && result.sha256).toBe(createHash('sha256').update(readFileSync(join(dir, 'a.yaml'))).digest('hex'));
  });

  it('reports an unreadable file as an error, not an exception', async () => {
    const missing = join(dir, 'missing.yaml');
    expect(await loadRunbookFile(missing)).toEqual({
      ok: false,
      file: missing,
      errors: [{ file: missing, line: 1, col: 1, message: 'cannot read runbook: file not found' }],
    });
  });

  it('loads every runbook in a directory and flags a reused runbook id at the later file', async () => {
    write('a.yaml', runbook('alpha'));
    write('b.yml', `# second copy\n${runbook('alpha')}`);
    write('c.yaml', runbook('gamma'));
    write('d.yaml', 'id: [\n');
    write('notes.txt', 'not a runbook');
    const { runbooks, errors } = await loadRunbookDirectory(dir);
    expect(runbooks.map((loaded) => loaded.runbook.id)).toEqual(['alpha', 'gamma']);
    expect(errors.map(formatRunbookError)).toEqual([
      `${join(dir, 'b.yml')}:2:5: runbook id "alpha" is already used by ${join(dir, 'a.yaml')}; runbook ids must be unique`,
      expect.stringMatching(new RegExp(`^${join(dir, 'd.yaml').replace(/[.\\]/g, '\\$&')}:\\d+:\\d+: YAML syntax`)),
    ]);
  });

  it('lints files and directories for the CLI', async () => {
    write('a.yaml', runbook('alpha'));
    write('b.yaml', runbook('beta').replace('severity: low', 'severity: hgih'));
    const result = await lintFiles([dir, join(dir, 'nope.yaml')]);
    expect(result.checked).toBe(3);
    expect(result.errors.map(formatRunbookError)).toEqual([
      `${join(dir, 'b.yaml')}:4:11: severity must be one of low, medium, high, critical; got "hgih" (did you mean "high"?)`,
      `${join(dir, 'nope.yaml')}:1:1: cannot read runbook: file not found`,
    ]);
  });
});
