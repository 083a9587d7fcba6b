/**
 * Every action declares the shape of its output, the tabletop twin of every action (and of every
 * connector's simulation of a routed action) produces output that fits it, the action envelope
 * refuses (under QUELL_CHECK_OUTPUT_SHAPES=1) or logs once what does not fit, and the linter
 * refuses an output name an action cannot produce, at file:line:col with the nearest valid name.
 */
import { Writable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import { ACTION_CATALOGUE, ACTION_NAMES, type ActionName } from '../../common/actions';
import { RUN_ENVELOPE_FIELDS } from '../../common/action-schemas/outputs';
import { CONNECTORS } from '../../connectors/registry';
import { actionWithSchema } from '../../connectors/with-schemas';
import { GENERIC_TABLETOP_PLANNERS } from '../../activities/tabletop/simulator';
import type { TabletopPlanner } from '../../connectors/simulation';
import { CHECK_OUTPUT_SHAPES_ENV, OUTPUT_SHAPE_FAILURE, checkOutputShape, outputShapeProblems, outputShapesEnforced } from '../../activities/output-shape';
import { loadRunbookText } from '../../runbooks/load';

/**
 * Plausible `with` blocks for each action, covering the branches the planners take. `provider`
 * is filled in per system for routed actions.
 */
const PARAMS: Record<ActionName, Array<Record<string, unknown>>> = {
  'credentials.revoke': [{ principal: 'alice' }, { principal: 'alice', key_id: 'AKIAEXAMPLE', delete_key: true }],
  'sessions.revoke': [{ principal: 'alice' }, { principal: 'deploy', principal_type: 'role' }],
  'credentials.deactivate': [{ principal: 'alice' }, { principal: 'alice', key_id: 'AKIAEXAMPLE' }],
  'credentials.reactivate': [{ principal: 'alice', key_ids: ['AKIAEXAMPLE'] }, { principal: 'alice', key_ids: [] }],
  'credentials.list': [{ principal: 'alice' }, { principal: 'alice', status: 'any' }],
  'access.deny_all': [{ principal: 'alice' }, { principal: 'deploy', principal_type: 'role' }],
  'access.restore': [{ principal: 'alice' }, { principal: 'deploy', principal_type: 'role' }],
  'mfa.deactivate': [{ principal: 'alice' }, { principal: 'alice', serial_number: 'arn:aws:iam::123456789012:mfa/alice' }],
  'egress.block': [{ cidrs: ['203.0.113.7/32'], target: 'sg-0123456789abcdef0', ports: [443] }, { cidrs: [] }],
  'egress.unblock': [{ rule_id: 'nftables:quell:0123456789abcdef' }],
  'evidence.collect': [
    { source: 'cloudtrail', principal: 'alice', window: '24h', store: 'local', label: 'trail' },
    { source: 'record', content: { certificate: 'yes' }, since: '2026-01-01T00:00:00Z' },
  ],
  'vendor.request_deletion': [{ vendor: 'acme' }, { vendor: 'acme', channel: 'http', data_categories: ['contacts'], due_in: '7d' }],
  'vendor.request': [
    { vendor: 'acme', kind: 'forensic-report', incident_reference: 'ACME-42' },
    { vendor: 'acme', kind: 'other', details: 'the list of admins', channel: 'http', due_in: '72h' },
  ],
  'identity.deprovision': [{ user: 'alice@example.com' }, { user: 'alice@example.com', remove_groups: false, delete_user: true }],
  'identity.access_report': [{ principal: 'alice' }, { principal: 'alice', systems: ['aws-iam', 'github'], identities: { github: 'alice-gh', 'aws-iam': null } }],
  notify: [{ message: 'containment done' }, { channel: 'email', to: ['oncall@example.com'], message: 'containment done' }],
};

const SEED = { idempotencyKey: 'wf-1|run-1|step-1|1', at: '2026-03-01T12:00:00.000Z' };

/** Each planner that may plan `action`: the generic one and every connector's own simulation. */
function plannersOf(action: ActionName): Array<{ system: string; planner: TabletopPlanner }> {
  const own = CONNECTORS.flatMap((connector) => {
    const simulate = (connector.routed as Record<string, { simulate: TabletopPlanner } | undefined> | undefined)?.[action]?.simulate;
    return simulate ? [{ system: connector.id, planner: simulate }] : [];
  });
  return [{ system: own[0]?.system ?? 'generic', planner: GENERIC_TABLETOP_PLANNERS[action] }, ...own];
}

describe('the catalogue output shapes', () => {
  it('declares an output shape for every action, with the envelope fields of a tabletop run or a retry', () => {
    for (const action of ACTION_NAMES) {
      const output = (ACTION_CATALOGUE[action] as { output?: { shape: Record<string, unknown> } }).output;
      expect({ action, declared: output !== undefined }).toEqual({ action, declared: true });
      expect({ action, keys: Object.keys(output!.shape) }).toEqual({ action, keys: expect.arrayContaining(Object.keys(RUN_ENVELOPE_FIELDS)) });
    }
  });

  it.each(ACTION_NAMES)('%s: every tabletop planner produces output that fits the declared shape', (action) => {
    const routed = plannersOf(action);
    for (const { system, planner } of routed) {
      for (const base of PARAMS[action]) {
        const params = actionWithSchema(action).shape.provider === undefined ? base : { provider: system, ...base };
        // The activity validates parameters before any planner sees them: so do these.
        const parsed = actionWithSchema(action).safeParse(params);
        expect({ system, params, ok: parsed.success, issues: parsed.error?.issues }).toMatchObject({ ok: true });
        const plan = planner(parsed.data as Record<string, unknown>, SEED);
        const output = { ...plan.output, simulated: true, would_do: plan.wouldDo };
        expect({ system, params, problems: outputShapeProblems(action, output) }).toEqual({ system, params, problems: [] });
      }
    }
  });
});

describe('the output shape check of the action envelope', () => {
  function capturingLogger(): { log: pino.Logger; lines: Array<Record<string, unknown>> } {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    return { log: pino({ level: 'warn' }, sink), lines };
  }

  const blocked = { provider: 'nftables', rule_id: 'nftables:quell:0123456789abcdef', cidrs: ['203.0.113.7/32'], verified: { rule_present: true } };

  it('is enforced in every test run, and only when the variable is exactly 1', () => {
    expect(process.env[CHECK_OUTPUT_SHAPES_ENV]).toBe('1');
    expect(outputShapesEnforced({ [CHECK_OUTPUT_SHAPES_ENV]: '1' })).toBe(true);
    expect(outputShapesEnforced({ [CHECK_OUTPUT_SHAPES_ENV]: 'true' })).toBe(false);
    expect(outputShapesEnforced({})).toBe(false);
  });

  it('names an undeclared key and a value of the wrong type', () => {
    expect(outputShapeProblems('egress.block', blocked)).toEqual([]);
    expect(outputShapeProblems('egress.block', { ...blocked, rule_handle: 7, blocked: 'two' })).toEqual([
      { key: 'rule_handle', problem: 'key "rule_handle" is not declared in the output shape' },
      { key: 'blocked', problem: expect.stringMatching(/^blocked: .*number/) as unknown as string },
    ]);
    // A shape declared as a loose object (vendor.request) still reports the key it would drop.
    expect(outputShapeProblems('vendor.request', { vendor: 'acme', channel: 'email', kind: 'iocs', reference_id: 'QVR-1', due_date: '2026-03-04', sent: true, courier: 'x' })).toEqual([
      { key: 'courier', problem: 'key "courier" is not declared in the output shape' },
    ]);
  });

  it('fails the step for good when enforced, naming action, performer and key', () => {
    const { log } = capturingLogger();
    let thrown: unknown;
    try {
      checkOutputShape('egress.block', 'live:egress.block', { ...blocked, rule_handle: 7 }, { enforce: true, log, stepId: 'block' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    const failure = thrown as ApplicationFailure;
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe(OUTPUT_SHAPE_FAILURE);
    expect(failure.message).toContain('egress.block');
    expect(failure.message).toContain('live:egress.block');
    expect(failure.message).toContain('rule_handle');
    expect(failure.details).toEqual([{ stepId: 'block', action: 'egress.block', performer: 'live:egress.block', keys: ['rule_handle'] }]);
  });

  it('otherwise lets the step go on and warns once per action and key', () => {
    const { log, lines } = capturingLogger();
    const odd = { ...blocked, unblock_hint: 'x' };
    checkOutputShape('egress.block', 'live:egress.block', odd, { enforce: false, log, stepId: 'a' });
    checkOutputShape('egress.block', 'live:egress.block', odd, { enforce: false, log, stepId: 'b' });
    checkOutputShape('egress.unblock', 'live:egress.unblock', { rule_id: 'r', unblock_hint: 'x' }, { enforce: false, log, stepId: 'c' });
    checkOutputShape('egress.block', 'live:egress.block', blocked, { enforce: false, log, stepId: 'd' });
    expect(lines.map((line) => [line.action, line.performer, line.key])).toEqual([
      ['egress.block', 'live:egress.block', 'unblock_hint'],
      ['egress.unblock', 'live:egress.unblock', 'unblock_hint'],
    ]);
  });
});

describe('the linter and action output names', () => {
  const runbook = (name: string) =>
    [
      'id: sample',
      'version: 1',
      'title: Sample',
      'severity: low',
      'steps:',
      '  - id: b',
      '    action: egress.block',
      '    with: { provider: nftables, cidrs: ["203.0.113.7/32"] }',
      '  - id: tell',
      '    action: notify',
      `    with: { message: "blocked \${{ steps.b.output.${name} }}" }`,
      '',
    ].join('\n');

  it('refuses an output name egress.block cannot produce at file:line:col, suggesting the nearest', () => {
    const result = loadRunbookText(runbook('rul_id'), 'sample.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect({ file: error.file, line: error.line }).toEqual({ file: 'sample.yaml', line: 11 });
    // The column is where the path starts inside the message's template.
    expect(error.col).toBe(runbook('rul_id').split('\n')[10].indexOf('steps.b.output') + 1);
    expect(error.message).toContain('action egress.block (step "b") has no output "rul_id" (did you mean "rule_id"?)');
  });

  it('accepts the names the shape declares, including the tabletop marks', () => {
    for (const name of ['rule_id', 'blocked', 'simulated', 'would_do']) expect(loadRunbookText(runbook(name), 'sample.yaml')).toMatchObject({ ok: true });
  });
});
