/**
 * Asks AWS, without changing anything, whether the connectors' credentials may perform given API
 * actions on a resource: what every AWS connector's `permissionProbe` uses.
 *
 * First choice is IAM's policy simulator (iam:SimulatePrincipalPolicy for the calling user), which
 * weighs every policy IAM knows. When it cannot be asked (an emulator that lacks it, or a caller
 * not allowed to simulate), the caller's own identity policies are read (inline, attached and
 * through groups) and judged by ./policy-evaluation.ts, which says what it does not see. Only
 * Get/List/Simulate calls are made. The caller is found with iam:GetUser, so role credentials
 * (which have no IAM user) get "not checkable" rather than a guess.
 */
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  SimulatePrincipalPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { PermissionCheck } from '../connector';
import { awsErrorName } from './errors';
import { evaluatePolicies, type PolicyDecision } from './policy-evaluation';

/** The calling IAM user, as the resource ARNs of a check need it. */
export interface AwsCaller {
  arn: string;
  userName: string;
  partition: string;
  account: string;
}

/** What one action needs: API actions, on one resource (an ARN, or `*`), with a label for messages. */
export interface AwsPermissionAsk {
  actions: readonly string[];
  resource: (caller: AwsCaller) => string;
  /** How messages name the resource: "IAM user alice", "any IAM user (named during the run)". */
  target: string;
}

export async function checkAwsPermissions(iam: IAMClient, ask: AwsPermissionAsk): Promise<PermissionCheck[]> {
  let caller: AwsCaller;
  try {
    caller = await callingUser(iam);
  } catch (error) {
    return notCheckable(ask, `the credentials' IAM user could not be read (iam:GetUser: ${describeAwsError(error)}); role credentials cannot be checked this way`);
  }
  const resource = ask.resource(caller);
  let simulatorProblem: string;
  try {
    const decisions = await simulate(iam, caller.arn, ask.actions, resource);
    return ask.actions.map((permission) => verdict(permission, ask.target, decisions.get(permission), 'IAM policy simulator'));
  } catch (error) {
    simulatorProblem = describeAwsError(error);
  }
  let documents: string[];
  try {
    documents = await identityPolicies(iam, caller.userName);
  } catch (error) {
    return notCheckable(ask, `the policy simulator was unavailable (${simulatorProblem}) and ${caller.userName}'s own policies could not be read (${describeAwsError(error)})`);
  }
  const source = `${caller.userName}'s identity policies (simulator unavailable; boundaries, SCPs and resource policies not seen)`;
  return ask.actions.map((permission) => verdict(permission, ask.target, evaluatePolicies(documents, permission, resource), source));
}

function verdict(permission: string, target: string, decision: PolicyDecision | undefined, source: string): PermissionCheck {
  switch (decision) {
    case 'allowed':
      return { permission, target, verdict: 'granted', detail: `allowed by ${source}` };
    case 'explicitDeny':
      return { permission, target, verdict: 'missing', detail: `explicitly denied by ${source}` };
    case 'implicitDeny':
      return { permission, target, verdict: 'missing', detail: `not allowed by any statement of ${source}` };
    case 'conditional':
      return { permission, target, verdict: 'not-checkable', detail: `depends on policy conditions only the real request has (${source})` };
    default:
      return { permission, target, verdict: 'not-checkable', detail: 'the policy simulator gave no answer for it' };
  }
}

function notCheckable(ask: AwsPermissionAsk, detail: string): PermissionCheck[] {
  return ask.actions.map((permission) => ({ permission, target: ask.target, verdict: 'not-checkable', detail }));
}

async function callingUser(iam: IAMClient): Promise<AwsCaller> {
  const user = (await iam.send(new GetUserCommand({}))).User;
  const arn = user?.Arn ?? '';
  const [, partition, , , account] = arn.split(':');
  if (!user?.UserName || !partition || !account) throw new Error(`unexpected answer ${arn || '(no ARN)'}`);
  return { arn, userName: user.UserName, partition, account };
}

async function simulate(iam: IAMClient, callerArn: string, actions: readonly string[], resource: string): Promise<Map<string, PolicyDecision>> {
  const decisions = new Map<string, PolicyDecision>();
  let marker: string | undefined;
  do {
    const page = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: callerArn, ActionNames: [...actions], ResourceArns: [resource], ...(marker ? { Marker: marker } : {}) }));
    for (const result of page.EvaluationResults ?? []) {
      if (!result.EvalActionName) continue;
      const missingContext = (result.MissingContextValues ?? []).length > 0;
      const decision = result.EvalDecision === 'allowed' ? 'allowed' : result.EvalDecision === 'explicitDeny' ? 'explicitDeny' : 'implicitDeny';
      decisions.set(result.EvalActionName, missingContext && decision !== 'allowed' ? 'conditional' : decision);
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return decisions;
}

/** Every identity policy document that applies to the user: inline, attached, and its groups'. */
async function identityPolicies(iam: IAMClient, userName: string): Promise<string[]> {
  const documents: string[] = [];
  for (const name of (await iam.send(new ListUserPoliciesCommand({ UserName: userName }))).PolicyNames ?? []) {
    documents.push((await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: name }))).PolicyDocument ?? '');
  }
  for (const attached of (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }))).AttachedPolicies ?? []) {
    if (attached.PolicyArn) documents.push(await managedPolicy(iam, attached.PolicyArn));
  }
  for (const group of (await iam.send(new ListGroupsForUserCommand({ UserName: userName }))).Groups ?? []) {
    const groupName = group.GroupName ?? '';
    for (const name of (await iam.send(new ListGroupPoliciesCommand({ GroupName: groupName }))).PolicyNames ?? []) {
      documents.push((await iam.send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: name }))).PolicyDocument ?? '');
    }
    for (const attached of (await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName }))).AttachedPolicies ?? []) {
      if (attached.PolicyArn) documents.push(await managedPolicy(iam, attached.PolicyArn));
    }
  }
  return documents;
}

async function managedPolicy(iam: IAMClient, policyArn: string): Promise<string> {
  const version = (await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy?.DefaultVersionId;
  if (!version) return '';
  return (await iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: version }))).PolicyVersion?.Document ?? '';
}

/** A short, secret-free reason: the AWS error code and HTTP status (an emulator's HTML error page is not repeated). */
function describeAwsError(error: unknown): string {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const name = awsErrorName(error);
  const code = name && name !== 'Error' ? name : undefined;
  const message = code && error instanceof Error ? `: ${error.message.slice(0, 160)}` : '';
  return [code, status ? `HTTP ${status}` : undefined].filter(Boolean).join(', ') + message || (error instanceof Error ? error.message.slice(0, 160) : String(error));
}
