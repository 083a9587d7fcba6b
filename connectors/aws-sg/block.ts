/**
 * `egress.block` with provider `aws-sg`. Security groups can only allow, so blocking means taking
 * allowances away:
 *
 * - `target: sg-…`: revoke that group's egress rules whose destination overlaps one of `cidrs`
 *   (and, with `ports`, that let one of those ports through). A broad rule such as "all traffic to
 *   0.0.0.0/0" is revoked too, since nothing else would stop the traffic; to cut all egress, list
 *   `0.0.0.0/0` and `::/0`. Rules naming another group or a prefix list are left alone.
 * - `target: i-…`: quarantine the instance: every network interface gets `aws.quarantine_security_group`
 *   alone (ingress included; `ports` do not apply).
 *
 * No `cidrs` means nothing to block, as in a tabletop run. The rule id (`aws-sg:<target>:<token>`)
 * is all the undo needs: what was removed is recorded in tags on the target before it is removed
 * (./removal-record), and ./unblock puts it back; the step output lists it too.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import { idempotencyToken } from '../aws/idempotency-token';
import type { ActionHandler } from '../definition';
import { invalidFailure, notConfiguredFailure, type FailureSite } from '../failures';
import type { ActionContext, ActionOutcome } from '../action-context';
import { AWS_SG_CONNECTOR } from './connector-id';
import { flattenEgress } from './egress-entries';
import { blockGroupEgress } from './group-egress';
import { quarantineInstance } from './instance-quarantine';
import { formatRuleId } from './rule-id';

export interface AwsSgOptions {
  ec2: EC2Client;
  logger: Logger;
  /** `aws.quarantine_security_group`; instance targets are refused without it. */
  quarantineGroup?: string;
}

/**
 * The `aws-sg` handler for `egress.block`.
 *
 * Idempotent: the record is keyed by the step's idempotency token, so a retried or replayed step
 * finds what it removed before, removes only what still matches, and reports `alreadyDone: true`
 * when nothing did. Verifies by reading the group (or the instance's interfaces) back; a rule
 * still matching is a retryable `QuellNotVerified`. A missing target is `QuellNotFound`, refused
 * credentials `QuellAuthFailed` (both non-retryable); throttling and outages are retried.
 */
export function createAwsSgEgressBlock(options: AwsSgOptions): ActionHandler<'egress.block'> {
  const { ec2, logger } = options;
  return {
    async perform(params: ActionWith<'egress.block'>, context: ActionContext): Promise<ActionOutcome> {
      const target = params.target ?? '';
      const site: FailureSite = { connector: AWS_SG_CONNECTOR, operation: `block egress from ${target || '(no target)'} to ${params.cidrs.join(', ') || 'nothing'}` };
      const kind = target.startsWith('sg-') ? 'security-group' : target.startsWith('i-') ? 'instance' : undefined;
      if (!kind) throw invalidFailure(site, 'aws-sg needs `target`: a security group id (sg-…) or an instance id (i-…)');
      const token = idempotencyToken(context.idempotencyKey);
      const ruleId = formatRuleId(target, token);
      const common = { provider: AWS_SG_CONNECTOR, rule_id: ruleId, target, cidrs: params.cidrs, ports: params.ports ?? [] };
      if (params.cidrs.length === 0) return { output: { ...common, scope: kind, blocked: 0, removed: [], verified: { nothing_to_block: true } }, alreadyDone: true };

      if (kind === 'security-group') {
        const result = await blockGroupEgress(ec2, target, { cidrs: params.cidrs, ...(params.ports ? { ports: params.ports } : {}) }, token, site, context.heartbeat);
        if (result.removedNow > 0) logger.info({ ruleId, groupId: target, removed: result.removedNow }, 'aws-sg: egress rules revoked');
        return {
          output: {
            ...common,
            scope: kind,
            removed: result.removed,
            blocked: flattenEgress(result.removed).length,
            verified: { group_id: target, rules_still_allowing: result.stillMatching },
          },
          alreadyDone: result.removedNow === 0,
        };
      }

      if (!options.quarantineGroup) {
        throw notConfiguredFailure(site, 'blocking an instance swaps in a quarantine group: set `aws.quarantine_security_group` in the connectors file');
      }
      const result = await quarantineInstance(ec2, target, options.quarantineGroup, token, site, context.heartbeat);
      if (result.swappedNow > 0) logger.info({ ruleId, instanceId: target, interfaces: result.swappedNow }, 'aws-sg: instance quarantined');
      return {
        output: {
          ...common,
          scope: kind,
          quarantine_group: options.quarantineGroup,
          previous_groups: result.previousGroups,
          blocked: Object.keys(result.previousGroups).length,
          verified: { interfaces: result.readBack },
        },
        alreadyDone: result.swappedNow === 0,
      };
    },
  };
}
