/**
 * The pure parts of the connectors' read-only permission probes: which API permissions each
 * action needs on which target, how identity policies are judged when IAM's simulator cannot be
 * asked, the nft script a block is checked with, Slack scopes; and how the drill tests tell a
 * reading request from a mutating one.
 */
import { evaluatePolicies, policyStatements, wildcard } from '../../connectors/aws/policy-evaluation';
import { iamNeeds } from '../../connectors/aws-iam/permissions';
import { ec2Needs } from '../../connectors/aws-sg/permissions';
import { blockCheckScript } from '../../connectors/nftables/permissions';
import { openBaoNeeds, revocationTarget } from '../../connectors/openbao/permissions';
import { scopeChecks } from '../../connectors/slack/permissions';
import { classifyAws, classifyNft, classifyOpenBao, classifyScim } from '../support/counting-classify';

const policy = (statement: object | object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statement });
const USER = 'arn:aws:iam::123456789012:user/alice';

describe('identity policy evaluation', () => {
  it('allows by matching action and resource, with IAM wildcards; actions ignore case', () => {
    const documents = [policy({ Effect: 'Allow', Action: ['iam:*AccessKey*', 'iam:GetUser'], Resource: 'arn:aws:iam::123456789012:user/*' })];
    expect(evaluatePolicies(documents, 'iam:UpdateAccessKey', USER)).toBe('allowed');
    expect(evaluatePolicies(documents, 'IAM:getuser', USER)).toBe('allowed');
    expect(evaluatePolicies(documents, 'iam:PutUserPolicy', USER)).toBe('implicitDeny');
    expect(evaluatePolicies(documents, 'iam:GetUser', 'arn:aws:iam::123456789012:role/alice')).toBe('implicitDeny');
  });

  it('an explicit deny wins over any allow; NotAction allows everything but what it names', () => {
    const documents = [policy({ Effect: 'Allow', NotAction: ['iam:UpdateAccessKey'], Resource: '*' }), policy({ Effect: 'Allow', Action: 'iam:*', Resource: '*' })];
    expect(evaluatePolicies(documents, 'iam:UpdateAccessKey', USER)).toBe('allowed');
    expect(evaluatePolicies(documents.slice(0, 1), 'iam:UpdateAccessKey', USER)).toBe('implicitDeny');
    expect(evaluatePolicies(documents.slice(0, 1), 'iam:DeleteAccessKey', USER)).toBe('allowed');
    const denied = [...documents, policy([{ Effect: 'Deny', Action: 'iam:UpdateAccessKey', Resource: USER }])];
    expect(evaluatePolicies(denied, 'iam:UpdateAccessKey', USER)).toBe('explicitDeny');
  });

  it('a decision that hangs on a condition is never guessed', () => {
    const conditional = policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } });
    expect(evaluatePolicies([conditional], 'iam:UpdateAccessKey', USER)).toBe('conditional');
    const maybeDenied = [policy({ Effect: 'Allow', Action: '*', Resource: '*' }), policy({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })];
    expect(evaluatePolicies(maybeDenied, 'iam:GetUser', USER)).toBe('conditional');
  });

  it('reads documents as IAM returns them (URL-encoded) and ignores unreadable ones', () => {
    const encoded = encodeURIComponent(policy({ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/*' }));
    expect(policyStatements(encoded)).toHaveLength(1);
    expect(evaluatePolicies([encoded, 'not json'], 's3:PutObject', 'arn:aws:s3:::bucket/quell-evidence/x')).toBe('allowed');
    expect(wildcard('arn:aws:s3:::b?cket/*', 'arn:aws:s3:::bucket/a.b', false)).toBe(true);
    expect(wildcard('arn:aws:s3:::bucket/*', 'arn:aws:s3:::Bucket/a', false)).toBe(false);
  });
});

describe('what each action needs', () => {
  it('aws-iam: the calls each action makes, on the user the step names', () => {
    expect(iamNeeds('credentials.revoke', { principal: 'alice', key_id: 'AKIAEXAMPLE', delete_key: true })).toEqual({
      principal: 'alice',
      actions: ['iam:GetUser', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'iam:UpdateAccessKey', 'iam:GetLoginProfile', 'iam:DeleteLoginProfile', 'iam:DeleteAccessKey'],
    });
    expect(iamNeeds('sessions.revoke', {})).toEqual({ actions: ['iam:GetUser', 'iam:GetUserPolicy', 'iam:PutUserPolicy'] });
    expect(iamNeeds('identity.access_report', { principal: 'dana@example.com', identities: { 'aws-iam': 'dana' } })?.principal).toBe('dana');
    expect(iamNeeds('identity.access_report', { principal: 'dana@example.com', identities: { 'aws-iam': null } })).toBeUndefined();
    expect(iamNeeds('egress.block', {})).toBeUndefined();
  });

  it('aws-sg: group or instance, block or unblock', () => {
    expect(ec2Needs('egress.block', { target: 'sg-0123', cidrs: [] })).toEqual({ target: 'sg-0123', actions: ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupEgress', 'ec2:CreateTags'] });
    expect(ec2Needs('egress.block', { target: 'i-0abc' })?.actions).toContain('ec2:ModifyNetworkInterfaceAttribute');
    expect(ec2Needs('egress.unblock', { rule_id: 'aws-sg:sg-0123:tok' })).toEqual({ target: 'sg-0123', actions: ['ec2:DescribeSecurityGroups', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:DeleteTags'] });
  });

  it('openbao: the paths a revocation of each target form uses', () => {
    expect(openBaoNeeds(revocationTarget('sessions.revoke', { principal: 'lease-prefix:auth/userpass/login/alice' }))).toEqual([
      { path: 'sys/leases/lookup/auth/userpass/login/alice/', capability: 'list' },
      { path: 'sys/leases/revoke-prefix/auth/userpass/login/alice', capability: 'sudo' },
    ]);
    expect(openBaoNeeds(revocationTarget('credentials.revoke', { principal: 'alice', key_id: 'entity:1234' }))[0]).toEqual({ path: 'auth/token/accessors/', capability: 'sudo' });
    expect(openBaoNeeds(undefined).map((need) => need.path)).toEqual(['auth/token/lookup-accessor', 'auth/token/revoke-accessor']);
  });

  it('nftables: the block is checked as the transaction it would send', () => {
    const script = blockCheckScript('quell', { cidrs: ['203.0.113.7/32'], ports: [443] });
    expect(script).toContain('add table inet quell');
    expect(script).toMatch(/ip daddr \{ 203\.0\.113\.7\/32 \} tcp dport \{ 443 \} counter reject with tcp reset/);
    expect(blockCheckScript('quell', { cidrs: ['not-an-address'] })).not.toContain('daddr');
  });

  it('slack: the scopes notify needs, or "not checkable" when Slack lists none', () => {
    expect(scopeChecks(['chat:write']).map((c) => [c.permission, c.verdict])).toEqual([
      ['chat:write', 'granted'],
      ['channels:history', 'missing'],
    ]);
    expect(scopeChecks(undefined).every((c) => c.verdict === 'not-checkable')).toBe(true);
  });
});

describe('how the drill tests classify requests', () => {
  const request = (method: string, path: string, body = '', headers: Record<string, string> = {}) => ({ method, path, body, headers });

  it('AWS by operation: query Action, JSON target, S3 method', () => {
    expect(classifyAws(request('POST', '/', 'Action=ListUsers&Version=2010-05-08'))).toEqual({ operation: 'ListUsers', kind: 'read' });
    expect(classifyAws(request('POST', '/', 'Action=SimulatePrincipalPolicy'))).toMatchObject({ kind: 'read' });
    expect(classifyAws(request('POST', '/', 'Action=UpdateAccessKey&UserName=a'))).toEqual({ operation: 'UpdateAccessKey', kind: 'mutating' });
    expect(classifyAws(request('POST', '/', '{}', { 'x-amz-target': 'Logs_20140328.FilterLogEvents' }))).toMatchObject({ kind: 'read' });
    expect(classifyAws(request('POST', '/', '{}', { 'x-amz-target': 'Logs_20140328.PutLogEvents' }))).toMatchObject({ kind: 'mutating' });
    expect(classifyAws(request('PUT', '/bucket/key'))).toMatchObject({ kind: 'mutating' });
    expect(classifyAws(request('HEAD', '/bucket'))).toMatchObject({ kind: 'read' });
  });

  it('OpenBao and SCIM: lookups read, everything else changes', () => {
    expect(classifyOpenBao(request('POST', '/v1/sys/capabilities-self'))).toMatchObject({ kind: 'read' });
    expect(classifyOpenBao(request('POST', '/v1/auth/token/revoke-accessor'))).toMatchObject({ kind: 'mutating' });
    expect(classifyScim(request('POST', '/v2/Users/.search'))).toMatchObject({ kind: 'read' });
    expect(classifyScim(request('PATCH', '/v2/Users/1'))).toMatchObject({ kind: 'mutating' });
  });

  it('nft: list, version and check mode read; a script without -c changes the ruleset', () => {
    expect(classifyNft(['--version'])).toBe('read');
    expect(classifyNft(['-j', 'list', 'table', 'inet', 'quell'])).toBe('read');
    expect(classifyNft(['-c', '-f', '-'])).toBe('read');
    expect(classifyNft(['-f', '-'])).toBe('mutating');
    expect(classifyNft(['delete', 'table', 'inet', 'quell'])).toBe('mutating');
  });
});
