/**
 * `egress.unblock` for rule ids of `aws-sg` (`aws-sg:<sg-… or i-…>:<token>`): the rule id alone
 * says where ./block recorded what it removed (tags on that group or instance, see
 * ./removal-record), so the undo needs nothing else.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Logger } from 'pino';
import type { ActionWith } from '../../common/actions';
import type { ActionHandler } from '../definition';
import { invalidFailure, type FailureSite } from '../failures';
import type { ActionContext, ActionOutcome } from '../action-context';
import { AWS_SG_CONNECTOR } from './connector-id';
import { flattenEgress } from './egress-entries';
import { unblockGroupEgress } from './group-egress';
import { releaseInstance } from './instance-quarantine';
import { parseRuleId } from './rule-id';

/**
 * The `aws-sg` handler for `egress.unblock`: puts back exactly what the block with `rule_id`
 * recorded (rules on a group, or each interface's groups on an instance), then removes the record.
 *
 * Idempotent: with no record left (already restored, or the block removed nothing) it changes
 * nothing and reports `alreadyDone: true`. An instance interface whose groups someone changed after
 * the block is left as it is and named in `left_alone`. Verified by reading back; failures are
 * classified as for the block.
 */
export function createAwsSgEgressUnblock(options: { ec2: EC2Client; logger: Logger }): ActionHandler<'egress.unblock'> {
  const { ec2, logger } = options;
  return {
    async perform({ rule_id: ruleId }: ActionWith<'egress.unblock'>, context: ActionContext): Promise<ActionOutcome> {
      const site: FailureSite = { connector: AWS_SG_CONNECTOR, operation: `remove block ${ruleId}` };
      const parsed = parseRuleId(ruleId);
      if (!parsed) throw invalidFailure(site, 'not an aws-sg rule id (expected aws-sg:<sg-… or i-…>:<16 hex characters>)');
      const common = { provider: AWS_SG_CONNECTOR, rule_id: ruleId, target: parsed.resourceId };

      if (parsed.kind === 'security-group') {
        const result = await unblockGroupEgress(ec2, parsed.resourceId, parsed.token, site, context.heartbeat);
        if (result.restoredNow > 0) logger.info({ ruleId, restored: result.restoredNow }, 'aws-sg: egress rules restored');
        return {
          output: {
            ...common,
            restored: result.restored,
            restored_rules: flattenEgress(result.restored).length,
            verified: { group_id: parsed.resourceId, restored_rules_present: flattenEgress(result.restored).length, record_found: result.recordFound },
          },
          alreadyDone: result.restoredNow === 0,
        };
      }

      const result = await releaseInstance(ec2, parsed.resourceId, parsed.token, site, context.heartbeat);
      if (result.restoredNow > 0) logger.info({ ruleId, interfaces: result.restoredNow }, 'aws-sg: instance released from quarantine');
      return {
        output: { ...common, restored_groups: result.restoredGroups, left_alone: result.leftAlone, verified: { interfaces: result.restoredGroups, record_found: result.recordFound } },
        alreadyDone: result.restoredNow === 0,
      };
    },
  };
}
