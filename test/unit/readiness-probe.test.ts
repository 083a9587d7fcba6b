/**
 * The drill readiness probe's pure parts and its orchestration over in-memory connectors: what
 * each finding says, that a connector's health probes run once and not at all when they write,
 * that a connector without a permission probe is "not checkable" rather than passed, and that
 * missing configuration is reported per step.
 */
import type { LiveSetup } from '../../activities/action-performer';
import { createDrillReadinessProbe, probeReadiness } from '../../activities/readiness-probe';
import { configurationFinding, connectorFindings, permissionFindings } from '../../activities/readiness-probe/findings';
import { actionPhrase, isNotCheckable, NOT_CHECKABLE, targetOf } from '../../activities/readiness-probe/wording';
import type { Connector, PermissionCheck, PermissionQuestion } from '../../connectors/connector';
import { loadConnectorsText } from '../../connectors/connectors-file';
import { loadRunbookText } from '../../runbooks/load';
import { requiredActions } from '../../workflows/required-actions';

const RUNBOOK = `
id: probe
version: 1
title: Probe
severity: low
inputs:
  who: { type: string, required: true }
steps:
  - id: revoke
    action: credentials.revoke
    with: { provider: aws-iam, principal: "\${{ inputs.who }}" }
  - id: sessions
    action: sessions.revoke
    with: { provider: aws-iam, principal: "\${{ inputs.who }}" }
  - id: deprovision
    action: identity.deprovision
    with: { provider: scim, user: "\${{ inputs.who }}" }
  - id: block
    action: egress.block
    with: { provider: nftables, cidrs: [203.0.113.7/32] }
`;

const subject = { stepId: 'revoke', action: 'credentials.revoke', target: 'alice' };

function request() {
  const loaded = loadRunbookText(RUNBOOK, 'probe.yaml');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return requiredActions(loaded.runbook, { inputs: { who: 'alice' }, run: {} });
}

/** AWS and SCIM configured (read without secrets); nftables not. */
function file() {
  const text = 'version: 1\naws: { region: eu-west-1 }\nscim: { base_url: "https://idp.example/scim/v2", token: { env: SCIM_TOKEN } }\n';
  const loaded = loadConnectorsText(text, '/etc/quell/connectors.yaml', {}, { resolveSecrets: false });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

describe('wording', () => {
  it('names actions as a facilitator would and says what a step touches', () => {
    expect(actionPhrase('credentials.revoke')).toBe('the key revoke');
    expect(actionPhrase('made.up')).toBe('the made.up action');
    expect(targetOf({ provider: 'aws-iam', principal: 'alice', key_id: 'AKIA' })).toBe('alice');
    expect(targetOf({ provider: 'nftables', cidrs: ['203.0.113.7/32', '198.51.100.0/24'] })).toBe('203.0.113.7/32, 198.51.100.0/24');
    expect(targetOf({ source: 'cloudtrail' })).toBe('evidence source cloudtrail');
    expect(targetOf({ message: 'hello' })).toBeUndefined();
  });
});

describe('findings', () => {
  it('says which permission the step would have missed, on what, and why', () => {
    const checks: PermissionCheck[] = [
      { permission: 'iam:GetUser', target: 'IAM user alice', verdict: 'granted', detail: 'allowed by the simulator' },
      { permission: 'iam:UpdateAccessKey', target: 'IAM user alice', verdict: 'missing', detail: 'implicit deny' },
      { permission: 'iam:DeleteLoginProfile', target: 'IAM user alice', verdict: 'not-checkable', detail: 'depends on conditions' },
    ];
    const findings = permissionFindings(subject, 'aws-iam', checks);
    expect(findings).toEqual([
      { stepId: 'revoke', action: 'credentials.revoke', system: 'aws-iam', target: 'IAM user alice', check: 'permission', ok: false, detail: 'the key revoke would have failed: permission iam:UpdateAccessKey missing on IAM user alice (implicit deny)' },
      { stepId: 'revoke', action: 'credentials.revoke', system: 'aws-iam', target: 'IAM user alice', check: 'permission', ok: false, detail: `${NOT_CHECKABLE}: iam:DeleteLoginProfile on IAM user alice: depends on conditions` },
      { stepId: 'revoke', action: 'credentials.revoke', system: 'aws-iam', target: 'IAM user alice', check: 'permission', ok: true, detail: 'permission iam:GetUser granted on IAM user alice (allowed by the simulator)' },
    ]);
    expect(findings.map(isNotCheckable)).toEqual([false, true, false]);
  });

  it('never reports a system without a permission probe as passed', () => {
    const [finding] = permissionFindings(subject, 'scim', undefined);
    expect(finding).toMatchObject({ ok: false, check: 'permission', system: 'scim' });
    expect(isNotCheckable(finding)).toBe(true);
    expect(permissionFindings(subject, 'github', [])).toEqual([]);
  });

  it('lists failing health probes one by one and passing ones in one finding', () => {
    const probes = [
      { name: 'health', ok: true, detail: 'unsealed' },
      { name: 'token', ok: false, detail: 'HTTP 403' },
    ];
    expect(connectorFindings(subject, 'openbao', probes)).toEqual([
      { stepId: 'revoke', action: 'credentials.revoke', system: 'openbao', target: 'alice', check: 'connector', ok: false, detail: 'the key revoke would have failed: connector openbao token: HTTP 403' },
    ]);
    expect(connectorFindings(subject, 'openbao', probes.slice(0, 1))[0]).toMatchObject({ ok: true, detail: 'connector openbao answers: health: unsealed' });
    expect(configurationFinding(subject, 'provider x is not configured')).toMatchObject({ check: 'configured', ok: false, detail: 'the key revoke would have failed: provider x is not configured' });
  });
});

describe('probeReadiness', () => {
  function fakeConnector(id: string, options: { writes?: boolean; permissions?: (q: PermissionQuestion) => PermissionCheck[] } = {}) {
    const asked: PermissionQuestion[] = [];
    let checks = 0;
    const connector: Connector = {
      id,
      description: id,
      ...(options.writes ? { checkWrites: true } : {}),
      check: async () => {
        checks += 1;
        return [{ name: 'reachable', ok: true, detail: `${id} answers` }];
      },
      ...(options.permissions
        ? {
            permissionProbe: async (question: PermissionQuestion) => {
              asked.push(question);
              return options.permissions!(question);
            },
          }
        : {}),
    };
    return { connector, asked, checks: () => checks };
  }

  it('asks each step once, each connector once, and reports what is not configured', async () => {
    const iam = fakeConnector('aws-iam', {
      permissions: ({ action }) => [{ permission: action === 'credentials.revoke' ? 'iam:UpdateAccessKey' : 'iam:PutUserPolicy', verdict: action === 'credentials.revoke' ? 'missing' : 'granted', detail: 'by the test' }],
    });
    const scim = fakeConnector('scim', { writes: true });
    const setup: LiveSetup = { actions: {}, connectors: new Map([['aws-iam', iam.connector], ['scim', scim.connector]]), file: file() };
    const findings = await probeReadiness(request(), setup);

    expect(iam.checks()).toBe(1);
    expect(scim.checks()).toBe(0);
    expect(iam.asked).toEqual([
      { action: 'credentials.revoke', params: { provider: 'aws-iam', principal: 'alice' } },
      { action: 'sessions.revoke', params: { provider: 'aws-iam', principal: 'alice' } },
    ]);
    const problems = findings.filter((f) => !f.ok).map((f) => [f.stepId, f.check, f.detail]);
    expect(problems).toEqual([
      ['revoke', 'permission', 'the key revoke would have failed: permission iam:UpdateAccessKey missing (by the test)'],
      ['deprovision', 'permission', `${NOT_CHECKABLE}: scim offers no way to ask what its credentials may do without acting`],
      ['block', 'configured', 'the egress block would have failed: provider nftables is not configured for egress.block (add the `nftables:` section to the connectors file)'],
    ]);
    expect(findings.find((f) => f.stepId === 'deprovision' && f.check === 'connector')).toMatchObject({ ok: true, detail: expect.stringContaining('health probes skipped (they write)') });
  });

  it('says when the gates could not have been enforced live (no approvers file)', async () => {
    const loaded = loadRunbookText(`${RUNBOOK}  - id: gate\n    approval: { approvers: [oncall], timeout: 1h, summary: go }\n`, 'probe.yaml');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const report = await createDrillReadinessProbe({ actions: {}, connectors: new Map() })(requiredActions(loaded.runbook, { inputs: { who: 'alice' }, run: {} }));
    expect(report.findings[0]).toEqual({
      stepId: 'gate',
      action: 'approval',
      check: 'approvers',
      ok: false,
      detail: 'the live run would have been refused: approval gates need an approvers file and none is configured (QUELL_APPROVERS_FILE)',
    });
    expect(Date.parse(report.probedAt)).not.toBeNaN();
  });

  it('without a connectors file every step is reported as not configured', async () => {
    const findings = await probeReadiness(request(), { actions: {}, connectors: new Map() });
    expect(findings.map((f) => [f.stepId, f.ok])).toEqual([
      ['revoke', false],
      ['sessions', false],
      ['deprovision', false],
      ['block', false],
    ]);
    expect(findings[0].detail).toBe('the key revoke would have failed: no live connector is configured for credentials.revoke (this worker has no connectors file)');
  });

  it('a permission probe that throws becomes a finding, not a failed probe', async () => {
    const iam = fakeConnector('aws-iam', {
      permissions: () => {
        throw new Error('boom');
      },
    });
    const setup: LiveSetup = { actions: {}, connectors: new Map([['aws-iam', iam.connector]]), file: file() };
    const findings = await probeReadiness(request(), setup);
    expect(findings.filter((f) => f.check === 'probe').map((f) => [f.stepId, f.ok, f.detail])).toEqual([
      ['revoke', false, 'the readiness probe of aws-iam broke: boom'],
      ['sessions', false, 'the readiness probe of aws-iam broke: boom'],
    ]);
    expect(findings.find((f) => f.stepId === 'deprovision' && f.check === 'configured' && !f.ok)).toMatchObject({ ok: false, detail: expect.stringContaining('configured but not built on this worker') });
  });
});
