/**
 * What a live run needs, computed before it starts, and how missing connectors are reported.
 */
import { configurationProblems, describeReadinessProblems } from '../../activities/live-readiness';
import type { Connector, LiveSetup } from '../../activities/live/connector';
import { ByProviderRouter } from '../../activities/live/router';
import { loadRunbookText } from '../../runbooks/load';
import { requiredActions } from '../../workflows/required-actions';

const RUNBOOK = `
id: readiness
version: 1
title: Readiness
severity: low
inputs:
  who: { type: string, required: true }
  where: { type: string, enum: [aws-iam, openbao], default: aws-iam }
steps:
  - id: gate
    approval: { approvers: [oncall], timeout: 1h, on_timeout: escalate, escalate_to: [leads], summary: "go" }
  - id: revoke
    action: credentials.revoke
    with: { provider: "\${{ inputs.where }}", principal: "\${{ inputs.who }}" }
  - id: block
    action: egress.block
    with: { provider: nftables, cidrs: [203.0.113.7/32] }
    compensate: { action: egress.unblock, with: { rule_id: "\${{ steps.block.output.rule_id }}" } }
`;

function runbook() {
  const loaded = loadRunbookText(RUNBOOK, 'readiness.yaml');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.runbook;
}

const connector = (id: string): Connector => ({ id, description: id, check: async () => [] });
const handler = (provider: string, connectorId = provider) => ({
  provider,
  connector: connectorId,
  perform: async () => ({ output: {}, alreadyDone: false }),
});

describe('requiredActions', () => {
  it('evaluates what inputs decide and leaves step outputs unresolved', () => {
    const { requirements, actions } = requiredActions(runbook(), { inputs: { who: 'alice', where: 'openbao' }, run: {} });
    expect(requirements).toEqual([
      { action: 'notify', stepId: 'gate', purpose: 'notify', params: { to: ['leads'], message: 'escalation' } },
      { action: 'credentials.revoke', stepId: 'revoke', purpose: 'perform', params: { provider: 'openbao', principal: 'alice' } },
      { action: 'egress.block', stepId: 'block', purpose: 'perform', params: { provider: 'nftables', cidrs: ['203.0.113.7/32'] } },
      { action: 'egress.unblock', stepId: 'block', purpose: 'compensate', params: {} },
    ]);
    expect(actions.map((a) => a.action)).toEqual(['notify', 'credentials.revoke', 'egress.block', 'egress.unblock']);
  });
});

describe('configurationProblems', () => {
  const setup = (): LiveSetup => ({
    providers: {
      'credentials.revoke': new ByProviderRouter('credentials.revoke').add(handler('aws-iam')),
      'egress.block': new ByProviderRouter('egress.block').add(handler('nftables')),
      'egress.unblock': new ByProviderRouter('egress.unblock').add(handler('nftables')),
    },
    connectors: new Map([['aws-iam', connector('aws-iam')]]),
  });

  it('names the step, the action and what is missing', () => {
    const request = requiredActions(runbook(), { inputs: { who: 'alice', where: 'openbao' }, run: {} });
    const problems = configurationProblems(request, setup());
    expect(problems).toEqual([
      { stepId: 'gate', action: 'notify', problem: 'no live connector is configured for notify' },
      {
        stepId: 'revoke',
        action: 'credentials.revoke',
        problem: 'provider openbao is not configured for credentials.revoke (add the `openbao:` section to the connectors file)',
      },
      { stepId: 'block', action: 'egress.block', problem: 'connector nftables is not configured' },
      { stepId: 'block', action: 'egress.unblock', problem: 'connector nftables is not configured' },
    ]);
    expect(describeReadinessProblems(problems)).toBe(
      'live run refused: no live connector is configured for notify (step gate); ' +
        'provider openbao is not configured for credentials.revoke (add the `openbao:` section to the connectors file) (step revoke); ' +
        'connector nftables is not configured (step block). ' +
        'Fix the connectors file (QUELL_CONNECTORS_FILE; `quell doctor` checks it), or run the runbook as a tabletop exercise (--tabletop).',
    );
  });

  it('is satisfied when the inputs choose a configured provider', () => {
    const request = requiredActions(runbook(), { inputs: { who: 'alice', where: 'aws-iam' }, run: {} });
    const problems = configurationProblems(request, setup()).filter((p) => p.stepId === 'revoke');
    expect(problems).toEqual([]);
  });
});
