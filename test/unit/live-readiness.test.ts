/**
 * What a live run needs, computed before it starts, and how missing connectors are reported.
 */
import { configurationProblems, describeReadinessProblems } from '../../activities/live-readiness';
import { loadConnectorsText } from '../../connectors/connectors-file';
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

/** A connectors file that configures AWS only (IAM and security groups), read without secrets. */
function awsOnly() {
  const loaded = loadConnectorsText('version: 1\naws: { region: eu-west-1 }\n', '/etc/quell/connectors.yaml', {}, { resolveSecrets: false });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

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
  it('names the step, the action and what is missing', () => {
    const request = requiredActions(runbook(), { inputs: { who: 'alice', where: 'openbao' }, run: {} });
    const problems = configurationProblems(request, awsOnly());
    expect(problems).toEqual([
      { stepId: 'gate', action: 'notify', problem: 'no live connector is configured for notify' },
      {
        stepId: 'revoke',
        action: 'credentials.revoke',
        problem: 'provider openbao is not configured for credentials.revoke (add the `openbao:` section to the connectors file)',
      },
      {
        stepId: 'block',
        action: 'egress.block',
        problem: 'provider nftables is not configured for egress.block (add the `nftables:` section to the connectors file)',
      },
    ]);
    expect(describeReadinessProblems(problems)).toBe(
      'live run refused: no live connector is configured for notify (step gate); ' +
        'provider openbao is not configured for credentials.revoke (add the `openbao:` section to the connectors file) (step revoke); ' +
        'provider nftables is not configured for egress.block (add the `nftables:` section to the connectors file) (step block). ' +
        'Fix the connectors file (QUELL_CONNECTORS_FILE; `quell doctor` checks it), or run the runbook as a tabletop exercise (--tabletop).',
    );
  });

  it('is satisfied when the inputs choose a configured provider', () => {
    const request = requiredActions(runbook(), { inputs: { who: 'alice', where: 'aws-iam' }, run: {} });
    const problems = configurationProblems(request, awsOnly()).filter((p) => p.stepId === 'revoke');
    expect(problems).toEqual([]);
  });
});
