/**
 * The pure parts of the IAM containment actions: their tabletop plans fit the catalogue's output
 * schemas (so a drill's compensate reads `key_ids` as a live run would), runbooks may compensate
 * them only with their undo and only on a system that serves it, Quell's deny policies are told
 * from look-alikes, and the systems without roles refuse `principal_type: role` before any call.
 */
import pino from 'pino';
import { ACTION_CATALOGUE, type ActionName } from '../../common/actions';
import { ErrorType } from '../../common/errors';
import { iamNeeds } from '../../connectors/aws-iam/permissions';
import { DENY_ALL_POLICY, denyAllDocument, denyAllToken, isQuellSessionRevocation } from '../../connectors/aws-iam/quell-policies';
import { sessionRevocationDocument } from '../../connectors/aws-iam/session-policy';
import { createGithubOrgMembershipRevoke } from '../../connectors/github/org-membership';
import type { GitHubClient } from '../../connectors/github/client';
import { createOpenBaoSessionsRevoke } from '../../connectors/openbao/revoke';
import type { OpenBaoClient } from '../../connectors/openbao/client';
import { createScimSessionsRevoke } from '../../connectors/scim/deprovision';
import type { ScimClient } from '../../connectors/scim/client';
import { connectorsById } from '../../connectors/catalogue';
import { actionWithSchema } from '../../connectors/with-schemas';
import type { ActionContext } from '../../connectors/action-context';
import { RunbookSchema } from '../../runbooks/schema';
import { checkRunbookSemantics } from '../../runbooks/semantics';

const NEW_ACTIONS = ['credentials.deactivate', 'credentials.reactivate', 'access.deny_all', 'access.restore', 'mfa.deactivate'] as const;
const seed = { idempotencyKey: 'wf/run-1/step/perform', at: '2026-01-02T03:04:05.000Z' };
const simulate = (action: ActionName, params: Record<string, unknown>) => connectorsById().get('aws-iam')!.routed![action as 'access.deny_all']!.simulate(params, seed);
const outputSchema = (action: ActionName) => (ACTION_CATALOGUE[action] as { output?: { parse(value: unknown): unknown } }).output!;

describe('tabletop plans of the IAM containment actions', () => {
  const examples: Record<(typeof NEW_ACTIONS)[number], Array<Record<string, unknown>>> = {
    'credentials.deactivate': [{ principal: 'alice' }, { principal: 'alice', key_id: 'AKIAEXAMPLE000000001' }],
    'credentials.reactivate': [{ principal: 'alice', key_ids: ['AKIAEXAMPLE000000001'] }, { principal: 'alice', key_ids: [] }],
    'access.deny_all': [{ principal: 'alice' }, { principal: 'deploy', principal_type: 'role' }],
    'access.restore': [{ principal: 'deploy', principal_type: 'role' }],
    'mfa.deactivate': [{ principal: 'alice' }, { principal: 'alice', serial_number: 'arn:aws:iam::123456789012:mfa/alice' }],
  };

  it.each(NEW_ACTIONS)('%s: output fits the catalogue schema and is the same for the same step', (action) => {
    for (const example of examples[action]) {
      const params = actionWithSchema(action).parse({ provider: 'aws-iam', ...example }) as Record<string, unknown>;
      const plan = simulate(action, params);
      expect(() => outputSchema(action).parse(plan.output)).not.toThrow();
      expect(plan.wouldDo.join(' ')).toContain(String(example.principal));
      expect(simulate(action, params)).toEqual(plan);
    }
  });

  it('the deactivation names the key a drill then reactivates; the named key when there is one', () => {
    const named = simulate('credentials.deactivate', { provider: 'aws-iam', principal: 'alice', key_id: 'AKIAEXAMPLE000000001' });
    expect(named.output.key_ids).toEqual(['AKIAEXAMPLE000000001']);
    const every = simulate('credentials.deactivate', { provider: 'aws-iam', principal: 'alice' });
    expect(every.output.key_ids).toEqual([expect.stringMatching(/^AKIA[0-9A-F]{16}$/)]);
    expect(simulate('credentials.reactivate', { provider: 'aws-iam', principal: 'alice', key_ids: every.output.key_ids }).output.reactivated).toEqual(every.output.key_ids);
  });

  it('a role session revocation says role in plan and output; a user one is unchanged', () => {
    const role = simulate('sessions.revoke', { provider: 'aws-iam', principal: 'deploy', principal_type: 'role' });
    expect(role.wouldDo[0]).toContain('role deploy');
    expect(role.output).toMatchObject({ principal_type: 'role' });
    expect(simulate('sessions.revoke', { provider: 'aws-iam', principal: 'alice' }).output).not.toHaveProperty('principal_type');
  });

  it('mfa.deactivate says it cannot be undone, and has no undo in the catalogue', () => {
    expect(simulate('mfa.deactivate', { provider: 'aws-iam', principal: 'alice' }).wouldDo[0]).toContain('cannot be undone');
    expect(ACTION_CATALOGUE['mfa.deactivate']).not.toHaveProperty('undoneBy');
  });
});

describe('runbooks compensating the IAM containment actions', () => {
  const check = (steps: unknown[]) =>
    checkRunbookSemantics(RunbookSchema.parse({ id: 'iam-containment', version: 1, title: 'IAM containment', severity: 'high', inputs: {}, steps })).map((problem) => problem.message);

  it('accepts each action with its undo, the undo reading the step output', () => {
    expect(
      check([
        {
          id: 'park-keys',
          action: 'credentials.deactivate',
          with: { provider: 'aws-iam', principal: 'alice' },
          compensate: { action: 'credentials.reactivate', with: { provider: 'aws-iam', principal: 'alice', key_ids: '${{ steps.park-keys.output.key_ids }}' } },
        },
        {
          id: 'deny',
          action: 'access.deny_all',
          with: { provider: 'aws-iam', principal: 'deploy', principal_type: 'role' },
          compensate: { action: 'access.restore', with: { provider: 'aws-iam', principal: 'deploy', principal_type: 'role' } },
        },
        {
          id: 'sessions',
          action: 'sessions.revoke',
          with: { provider: 'aws-iam', principal: 'alice' },
          compensate: { action: 'access.restore', with: { provider: 'aws-iam', principal: 'alice' } },
        },
      ]),
    ).toEqual([]);
  });

  it('refuses the wrong undo, an undo of an action that has none, a system that does not serve it, and a bad principal_type', () => {
    const problems = check([
      { id: 'a', action: 'credentials.deactivate', with: { provider: 'aws-iam', principal: 'alice' }, compensate: { action: 'access.restore', with: { provider: 'aws-iam', principal: 'alice' } } },
      { id: 'b', action: 'mfa.deactivate', with: { provider: 'aws-iam', principal: 'alice' }, compensate: { action: 'access.restore', with: { provider: 'aws-iam', principal: 'alice' } } },
      { id: 'c', action: 'sessions.revoke', with: { provider: 'scim', principal: 'alice' }, compensate: { action: 'access.restore', with: { provider: 'scim', principal: 'alice' } } },
      { id: 'd', action: 'access.deny_all', with: { provider: 'aws-iam', principal: 'alice', principal_type: 'group' } },
    ]);
    expect(problems).toEqual([
      expect.stringContaining('compensate must use "credentials.reactivate"'),
      expect.stringContaining('action "mfa.deactivate" cannot be undone'),
      'provider must be one of aws-iam; got "scim"',
      'principal_type must be one of user, role; got "group"',
    ]);
  });
});

describe("Quell's deny policies", () => {
  it('recognises exactly what Quell writes', () => {
    expect(denyAllToken(denyAllDocument('0123456789abcdef'))).toBe('0123456789abcdef');
    expect(denyAllToken(encodeURIComponent(denyAllDocument('0123456789abcdef')))).toBe('0123456789abcdef');
    expect(isQuellSessionRevocation(sessionRevocationDocument({ cutoff: '2026-01-02T03:04:05Z', token: '0123456789abcdef' }))).toBe(true);
    expect(DENY_ALL_POLICY).toBe('QuellDenyAll');
  });

  it.each([
    ['a deny without a Quell statement id', { Effect: 'Deny', Action: '*', Resource: '*' }],
    ['a Quell id on an allow', { Sid: 'QuellDenyAll0123456789abcdef', Effect: 'Allow', Action: '*', Resource: '*' }],
    ['a Quell id narrowed by NotResource', { Sid: 'QuellDenyAll0123456789abcdef', Effect: 'Deny', Action: '*', Resource: '*', NotResource: 'arn:aws:s3:::x' }],
    ['a Quell id with a condition added', { Sid: 'QuellDenyAll0123456789abcdef', Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
    ['a Quell id on a narrower action', { Sid: 'QuellDenyAll0123456789abcdef', Effect: 'Deny', Action: 's3:*', Resource: '*' }],
  ])('does not take %s for a Quell deny-all', (_label, statement) => {
    expect(denyAllToken(JSON.stringify({ Version: '2012-10-17', Statement: [statement] }))).toBeUndefined();
  });

  it('does not take a revocation with a statement added, or with another condition, for Quell’s', () => {
    const document = JSON.parse(sessionRevocationDocument({ cutoff: '2026-01-02T03:04:05Z', token: '0123456789abcdef' })) as { Statement: object[] };
    const added = { ...document, Statement: [...document.Statement, { Effect: 'Allow', Action: 'logs:*', Resource: '*' }] };
    expect(isQuellSessionRevocation(JSON.stringify(added))).toBe(false);
    const widened = { ...document, Statement: [{ ...document.Statement[0], Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-01-02T03:04:05Z', 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } }] };
    expect(isQuellSessionRevocation(JSON.stringify(widened))).toBe(false);
    expect(isQuellSessionRevocation('not json')).toBe(false);
  });
});

describe('IAM permissions the containment actions need', () => {
  it('asks about the role, with the role calls, when principal_type is role', () => {
    expect(iamNeeds('access.deny_all', { principal: 'deploy', principal_type: 'role' })).toEqual({
      principal: 'deploy',
      kind: 'role',
      actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy'],
    });
    expect(iamNeeds('sessions.revoke', { principal: 'deploy', principal_type: 'role' })).toMatchObject({ kind: 'role', actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy'] });
    expect(iamNeeds('access.restore', { principal: 'alice' })).toEqual({ principal: 'alice', actions: ['iam:GetUser', 'iam:GetUserPolicy', 'iam:DeleteUserPolicy'] });
  });

  it('names every call the key and MFA handlers make', () => {
    expect(iamNeeds('credentials.deactivate', { principal: 'alice' })?.actions).toEqual(['iam:GetUser', 'iam:ListAccessKeys', 'iam:ListUserTags', 'iam:TagUser', 'iam:UpdateAccessKey']);
    expect(iamNeeds('credentials.reactivate', { principal: 'alice', key_ids: [] })?.actions).toEqual([
      'iam:GetUser',
      'iam:ListAccessKeys',
      'iam:GetAccessKeyLastUsed',
      'iam:UpdateAccessKey',
      'iam:ListUserTags',
      'iam:UntagUser',
    ]);
    expect(iamNeeds('mfa.deactivate', { principal: 'alice' })?.actions).toEqual(['iam:GetUser', 'iam:ListMFADevices', 'iam:DeactivateMFADevice']);
  });
});

describe('principal_type role on systems without roles', () => {
  const context: ActionContext = { workflowId: 'wf', runId: 'run-1', stepId: 'step', mode: 'live', idempotencyKey: 'k', heartbeat: () => undefined };
  const logger = pino({ level: 'silent' });
  // The refusal comes before any request: clients that would throw on any call prove it.
  const untouched = <T>(fields: Record<string, unknown>) =>
    new Proxy(fields, { get: (target, key) => (key in target ? target[key as string] : () => { throw new Error(`called ${String(key)}`); }) }) as unknown as T;

  it.each([
    ['openbao', () => createOpenBaoSessionsRevoke(untouched<OpenBaoClient>({ connector: 'openbao' }), logger)],
    ['scim', () => createScimSessionsRevoke(untouched<ScimClient>({ connector: 'scim' }), logger)],
    ['github', () => createGithubOrgMembershipRevoke(untouched<GitHubClient>({ connector: 'github', org: 'acme' }), logger)],
  ])('%s refuses it, naming the field', async (system, handler) => {
    // The router awaits perform inside an async function, so a synchronous throw is a rejection too.
    const attempt = async () => handler().perform({ provider: system, principal: 'alice', principal_type: 'role' }, context);
    await expect(attempt()).rejects.toMatchObject({
      type: ErrorType.InvalidInput,
      nonRetryable: true,
      message: expect.stringContaining(`principal_type: role is not supported by provider ${system}`),
    });
  });
});
