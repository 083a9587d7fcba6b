/**
 * How a step asks CloudTrail for events: its `principal` becomes the lookup attribute `Username`;
 * without a principal, `query` may name one attribute as `Key=Value` (e.g. `EventName=ConsoleLogin`,
 * `AccessKeyId=AKIA…`). LookupEvents takes a single attribute, so a step cannot give both.
 *
 * Pure and free of the SDK: the definition's pre-flight check and the live source share it.
 */
import type { CollectParams } from '../evidence-roles';

const ATTRIBUTE_KEYS = ['AccessKeyId', 'EventId', 'EventName', 'EventSource', 'ReadOnly', 'ResourceName', 'ResourceType', 'Username'] as const;

/** The one lookup attribute a step asks for (the SDK's `LookupAttribute` shape). */
export interface LookupChoice {
  AttributeKey: (typeof ATTRIBUTE_KEYS)[number];
  AttributeValue: string;
}

/** The attribute the step asks for (none: every event), or why its parameters cannot be used. */
export function lookupAttribute(params: Partial<CollectParams>): { attribute?: LookupChoice; problem?: string } {
  if (params.principal !== undefined && params.query !== undefined) {
    return { problem: 'cloudtrail: give either principal or query (LookupEvents takes one lookup attribute), not both' };
  }
  if (params.principal !== undefined) return { attribute: { AttributeKey: 'Username', AttributeValue: params.principal } };
  if (params.query === undefined) return {};
  const match = /^([A-Za-z]+)=(.+)$/.exec(params.query);
  const key = ATTRIBUTE_KEYS.find((candidate) => candidate === match?.[1]);
  if (!match || !key) {
    return { problem: `cloudtrail: query "${params.query}" must be Key=Value with Key one of ${ATTRIBUTE_KEYS.join(', ')}` };
  }
  return { attribute: { AttributeKey: key, AttributeValue: match[2] } };
}
