/**
 * The aws-sg connector's read-only permission probe: the EC2 API actions a block or unblock calls
 * (see ./group-egress.ts, ./instance-quarantine.ts, ./removal-record.ts), checked for the
 * connectors' credentials on the target through ../aws/permission-probe.ts.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { PermissionCheck, PermissionQuestion } from '../connector';
import { checkAwsPermissions } from '../aws/permission-probe';

/** The target (`sg-…`, `i-…`, or undefined when known only during the run) and the EC2 actions called. */
export function ec2Needs(action: string, params: Record<string, unknown>): { target?: string; actions: string[] } | undefined {
  if (action === 'egress.block') {
    const target = typeof params.target === 'string' ? params.target : undefined;
    const instance = target?.startsWith('i-') === true;
    return instance
      ? { target, actions: ['ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:CreateTags'] }
      : { ...(target ? { target } : {}), actions: ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupEgress', 'ec2:CreateTags'] };
  }
  if (action === 'egress.unblock') {
    // Rule ids read `aws-sg:<target>:<token>`; usually known only once the block ran.
    const target = typeof params.rule_id === 'string' ? params.rule_id.split(':')[1] : undefined;
    const instance = target?.startsWith('i-') === true;
    return {
      ...(target ? { target } : {}),
      actions: instance ? ['ec2:DescribeInstances', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:DeleteTags'] : ['ec2:DescribeSecurityGroups', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:DeleteTags'],
    };
  }
  return undefined;
}

export function awsSgPermissionProbe(iam: IAMClient, region: string): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action, params }) => {
    const needs = ec2Needs(action, params);
    if (!needs) return [];
    const { target } = needs;
    const kind = target?.startsWith('i-') ? 'instance' : 'security-group';
    return checkAwsPermissions(iam, {
      actions: needs.actions,
      resource: (caller) => `arn:${caller.partition}:ec2:${region}:${caller.account}:${kind}/${target ?? '*'}`,
      target: target ? `${kind} ${target}` : 'any security group (named during the run)',
    });
  };
}
