/**
 * Rule ids of the `aws-sg` connector: `aws-sg:<sg-… or i-…>:<token>`. The connector prefix lets
 * `egress.unblock` be routed without a `provider`; the resource says where the removal record is
 * kept (a tag on that security group or instance); the token names the record (the blocking
 * step's idempotency token), so one resource can hold the records of several blocks.
 */
import { AWS_SG_CONNECTOR } from './connector-id';

export interface ParsedRuleId {
  resourceId: string;
  kind: 'security-group' | 'instance';
  token: string;
}

const RULE_ID = /^aws-sg:((sg|i)-[0-9a-zA-Z]+):([0-9a-f]{16})$/;

export function formatRuleId(resourceId: string, token: string): string {
  return `${AWS_SG_CONNECTOR}:${resourceId}:${token}`;
}

/** The parts of an `aws-sg` rule id, or undefined when `ruleId` is not one. */
export function parseRuleId(ruleId: string): ParsedRuleId | undefined {
  const match = RULE_ID.exec(ruleId);
  if (!match?.[1] || !match[3]) return undefined;
  return { resourceId: match[1], kind: match[2] === 'sg' ? 'security-group' : 'instance', token: match[3] };
}
