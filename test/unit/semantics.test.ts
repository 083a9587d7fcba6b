import { RunbookSchema, type InputSpecType } from '../../runbooks/schema';
import { checkRunbookSemantics, inputValueProblem, type DocumentProblem } from '../../runbooks/semantics';

/** A minimal valid runbook with the given steps and inputs, parsed by the real schema. */
function runbook(steps: unknown[], inputs: Record<string, unknown> = {}) {
  return RunbookSchema.parse({ id: 'test-runbook', version: 1, title: 'Test', severity: 'low', inputs, steps });
}

const check = (steps: unknown[], inputs?: Record<string, unknown>): DocumentProblem[] => checkRunbookSemantics(runbook(steps, inputs));

const block = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  action: 'egress.block',
  with: { provider: 'nftables', cidrs: ['203.0.113.0/24'] },
  ...extra,
});
const note = (id: string, message: string, extra: Record<string, unknown> = {}) => ({ id, action: 'notify', with: { message }, ...extra });

describe('step references', () => {
  it('lets a compensate block read its own step, but not the step itself', () => {
    const problems = check([
      block('block-egress', {
        when: '${{ steps.block-egress.status != null }}',
        compensate: { action: 'egress.unblock', with: { rule_id: '${{ steps.block-egress.output.rule_id }}' } },
      }),
    ]);
    expect(problems).toEqual([
      { path: ['steps', 0, 'when'], offset: 4, message: 'step "block-egress" cannot read its own output or status (only its compensate block can, after it ran)' },
    ]);
  });

  it('lets branches read earlier steps and earlier parallel branches', () => {
    expect(
      check([
        block('first'),
        { id: 'p1', parallel: [block('a'), note('b', '${{ steps.first.output.rule_id }}')] },
        { id: 'p2', parallel: [note('c', '${{ steps.a.output.rule_id }} ${{ steps.p1.status }}'), note('d', '${{ steps.b.status }}')] },
      ]),
    ).toEqual([]);
  });

  it('explains why a branch cannot read its own parallel step or a sibling', () => {
    const problems = check([
      { id: 'contain', parallel: [block('a'), note('b', '${{ steps.contain.status }}'), note('c', '${{ steps.a.status }}')] },
    ]);
    expect(problems.map((problem) => [problem.path.join('.'), problem.message])).toEqual([
      ['steps.0.parallel.1.with.message', 'step "contain" is the parallel step containing this branch; it finishes only after all its branches'],
      ['steps.0.parallel.2.with.message', expect.stringContaining('is a sibling branch of the same parallel step "contain"')],
    ]);
  });

  it("explains why a parallel step's condition cannot read its branches", () => {
    const problems = check([{ id: 'contain', when: '${{ steps.a.status == "succeeded" }}', parallel: [block('a'), block('b')] }]);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toBe('step "a" is a branch of this parallel step and has not run when this step\'s fields are evaluated');
  });

  it('suggests a close step id and lists the steps that are available', () => {
    const [problem] = check([block('block-egress'), note('tell', '${{ steps.block-egres.output.rule_id }}')]);
    expect(problem.message).toBe('no step has id "block-egres" (did you mean "block-egress"?); steps that run before this one: block-egress');
  });

  it('requires output or status after the step id', () => {
    const problems = check([block('a'), note('b', '${{ steps.a }} ${{ steps }}')]);
    expect(problems.map((problem) => problem.message)).toEqual([
      'steps.a is not a value: write steps.a.output.<field> or steps.a.status',
      'name a step: steps.<id>.output.<field> or steps.<id>.status',
    ]);
  });
});

describe('inputs and run fields in templates', () => {
  it('accepts every documented run field', () => {
    const fields = ['id', 'incident', 'mode', 'requester', 'runbook', 'version', 'started_at'];
    expect(check([note('tell', fields.map((field) => `\${{ run.${field} }}`).join(' '))])).toEqual([]);
  });

  it('rejects bare roots and says so when no inputs are declared', () => {
    const problems = check([note('tell', '${{ inputs }} ${{ run }} ${{ inputs.who }}')]);
    expect(problems.map((problem) => problem.message)).toEqual([
      'name an input, e.g. inputs.principal ("inputs" alone is not a value)',
      '"run" alone is not a value; run fields: id, incident, mode, requester, runbook, version, started_at, severity',
      'inputs.who is not declared: this runbook declares no inputs; add it under "inputs:"',
    ]);
  });

  it('checks templates in approval summaries, manual tasks and compensate blocks but not titles', () => {
    const problems = check([
      { id: 'ok', title: 'Title ${{ not checked', approval: { approvers: ['x'], timeout: '1h', summary: 'For ${{ inputs.a }}' } },
      { id: 'task', manual: { task: 'Do ${{ inputs.b }}' } },
      block('blk', { compensate: { action: 'egress.unblock', with: { rule_id: '${{ inputs.c }}' } } }),
    ]);
    expect(problems.map((problem) => problem.path.join('.'))).toEqual([
      'steps.0.approval.summary',
      'steps.1.manual.task',
      'steps.2.compensate.with.rule_id',
    ]);
  });

  it('reports syntax errors with the offset in the string', () => {
    const [problem] = check([note('tell', 'Hello ${{ inputs.a ] }}')]);
    expect(problem).toEqual({ path: ['steps', 0, 'with', 'message'], offset: 19, message: expect.stringMatching(/^bad template: unexpected "\]"/) });
  });
});

describe('action with blocks', () => {
  it('reports missing required keys at the with block, or at the step when there is none', () => {
    expect(check([{ id: 'a', action: 'egress.block', with: { provider: 'nftables' } }])).toEqual([
      { path: ['steps', 0, 'with'], message: 'action "egress.block" needs "cidrs" in with (required: provider, cidrs)' },
    ]);
    expect(check([{ id: 'a', action: 'notify' }])).toEqual([
      { path: ['steps', 0], message: 'action "notify" needs "message" in with (required: message)' },
    ]);
  });

  it('validates literal values but leaves templated ones to run time', () => {
    expect(
      check(
        [{ id: 'a', action: 'egress.block', with: { provider: '${{ inputs.p }}', cidrs: '${{ inputs.c }}', ports: [443, '${{ inputs.port }}'] } }],
        { p: { type: 'string' }, c: { type: 'list' }, port: { type: 'number' } },
      ),
    ).toEqual([]);
    const problems = check([{ id: 'a', action: 'egress.block', with: { provider: 'iptables', cidrs: ['10.0.0.0/8'], ports: [0] } }]);
    expect(problems).toEqual([
      { path: ['steps', 0, 'with', 'provider'], message: 'provider must be one of nftables, aws-sg; got "iptables"' },
      { path: ['steps', 0, 'with', 'ports', 0], message: 'ports[0] must be at least 1, got 0' },
    ]);
  });

  it('requires compensate to use the undoing action, and only where one exists', () => {
    expect(check([{ id: 'a', action: 'notify', with: { message: 'x' }, compensate: { action: 'notify', with: { message: 'y' } } }])).toEqual([
      { path: ['steps', 0, 'compensate', 'action'], message: 'action "notify" cannot be undone, so the step cannot have a compensate block; remove it' },
    ]);
    expect(check([block('a', { compensate: { action: 'egress.unblock', with: { rule: 'x' } } })]).map((problem) => problem.message)).toEqual([
      'action "egress.unblock" has no input "rule" (did you mean "rule_id"?); allowed keys: provider, rule_id',
      'action "egress.unblock" needs "rule_id" in with (required: rule_id)',
    ]);
  });
});

describe('notify by e-mail', () => {
  it('needs an address in to: e-mail has no default recipient', () => {
    expect(check([{ id: 'tell', action: 'notify', with: { channel: 'email', message: 'done' } }])).toEqual([
      { path: ['steps', 0, 'with'], message: 'channel email needs at least one address in to: e-mail has no default recipient' },
    ]);
    expect(check([{ id: 'tell', action: 'notify', with: { channel: 'email', to: [], message: 'done' } }])).toEqual([
      { path: ['steps', 0, 'with', 'to'], message: 'channel email needs at least one address in to: e-mail has no default recipient' },
    ]);
    // A templated address is known only at run time; Slack falls back to the incident channel.
    expect(check([{ id: 'tell', action: 'notify', with: { channel: 'email', to: ['${{ inputs.manager }}'], message: 'done' } }], { manager: { type: 'string' } })).toEqual([]);
    expect(check([{ id: 'tell', action: 'notify', with: { channel: 'slack', message: 'done' } }])).toEqual([]);
  });
});

describe('duplicate ids and input defaults', () => {
  it('points at the second use and remembers the first', () => {
    expect(check([note('x', 'a'), { id: 'p', parallel: [note('y', 'b'), note('x', 'c')] }])).toEqual([
      {
        path: ['steps', 1, 'parallel', 1, 'id'],
        message: 'duplicate step id "x": step ids must be unique across the whole runbook, including parallel branches',
        seeAlso: { note: 'first used', path: ['steps', 0, 'id'] },
      },
    ]);
  });

  it('checks defaults against type, items, pattern and enum', () => {
    const problems = check([note('t', 'x')], {
      count: { type: 'number', default: '3' },
      tags: { type: 'list', pattern: '^[a-z]+$', default: ['ok', 'NOT'] },
      flag: { type: 'boolean', default: true },
    });
    expect(problems).toEqual([
      { path: ['inputs', 'count', 'default'], message: 'default of input "count" (a number) is invalid: "3" is not a number' },
      { path: ['inputs', 'tags', 'default'], message: 'default of input "tags" (a list) is invalid: item 1: "NOT" does not match the pattern ^[a-z]+$' },
    ]);
  });
});

describe('inputValueProblem', () => {
  const spec = (extra: Partial<InputSpecType> & Pick<InputSpecType, 'type'>): InputSpecType => extra;

  it.each([
    [spec({ type: 'string' }), 'x', undefined],
    [spec({ type: 'string' }), 1, '1 is not text'],
    [spec({ type: 'number' }), Number.NaN, 'null is not a number'],
    [spec({ type: 'boolean' }), 'true', '"true" is not true or false'],
    [spec({ type: 'list', items: 'number' }), [1, 'two'], 'item 1: "two" is not a number'],
    [spec({ type: 'list' }), 'a,b', '"a,b" is not a list'],
    [spec({ type: 'number', enum: [1, 2] }), 3, '3 is not one of 1, 2'],
    [spec({ type: 'string', pattern: '^AKIA' }), 'ASIA123', '"ASIA123" does not match the pattern ^AKIA'],
  ])('%j with %j', (inputSpec, value, expected) => {
    expect(inputValueProblem(inputSpec, value)).toBe(expected);
  });
});
