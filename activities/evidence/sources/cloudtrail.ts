/**
 * The `cloudtrail` source: LookupEvents over the collection window, paginated, as one NDJSON
 * artifact. The step's `principal` becomes the lookup attribute `Username`; without a principal,
 * `query` may name one attribute as `Key=Value` (e.g. `EventName=ConsoleLogin`, `AccessKeyId=AKIA…`).
 * LookupEvents takes a single attribute, so a step cannot give both.
 */
import { CloudTrailClient, LookupEventsCommand, type LookupAttribute, type LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import { classifyAwsError } from '../../aws/errors';
import type { ConnectorProbe } from '../../live/connector';
import { invalidFailure } from '../../live/failures';
import { ndjsonArtifact } from './ndjson';
import type { CollectParams, CollectionRequest, CollectionWindow, EvidenceSource, PlannedArtifact } from './source';

export const CLOUDTRAIL_SOURCE_CONNECTOR = 'evidence-source:cloudtrail';

/** The largest page LookupEvents returns. */
const PAGE_LIMIT = 50;

const ATTRIBUTE_KEYS: readonly LookupAttributeKey[] = [
  'AccessKeyId',
  'EventId',
  'EventName',
  'EventSource',
  'ReadOnly',
  'ResourceName',
  'ResourceType',
  'Username',
];

export class CloudTrailSource implements EvidenceSource {
  readonly kind = 'cloudtrail' as const;
  readonly connector = CLOUDTRAIL_SOURCE_CONNECTOR;
  readonly windowed = true;
  readonly description = 'CloudTrail event history (LookupEvents)';

  constructor(private readonly cloudtrail: CloudTrailClient) {}

  problems(params: Partial<CollectParams>): string[] {
    const problem = lookupAttribute(params).problem;
    return problem ? [problem] : [];
  }

  async plan({ params, window }: CollectionRequest): Promise<PlannedArtifact[]> {
    const { attribute, problem } = lookupAttribute(params);
    if (problem) throw invalidFailure({ connector: this.connector, operation: 'look up events' }, problem);
    return [ndjsonArtifact('cloudtrail/events.ndjson', () => this.pages(attribute, window))];
  }

  private async *pages(attribute: LookupAttribute | undefined, window: CollectionWindow): AsyncGenerator<unknown[]> {
    const what = attribute ? `${attribute.AttributeKey}=${attribute.AttributeValue}` : 'all events';
    const site = { connector: this.connector, operation: `look up events (${what})` };
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      let page;
      try {
        page = await this.cloudtrail.send(
          new LookupEventsCommand({
            StartTime: window.start,
            EndTime: window.end,
            LookupAttributes: attribute ? [attribute] : undefined,
            MaxResults: PAGE_LIMIT,
            NextToken: nextToken,
          }),
        );
      } catch (error) {
        throw classifyAwsError(site, error);
      }
      yield (page.Events ?? []).map((event) => ({
        event_id: event.EventId,
        event_name: event.EventName,
        event_time: event.EventTime?.toISOString(),
        event_source: event.EventSource,
        username: event.Username,
        access_key_id: event.AccessKeyId,
        read_only: event.ReadOnly,
        resources: event.Resources,
        cloudtrail_event: parseEventJson(event.CloudTrailEvent),
      }));
      nextToken = page.NextToken;
      if (nextToken !== undefined && seen.has(nextToken)) break;
      if (nextToken !== undefined) seen.add(nextToken);
    } while (nextToken !== undefined);
  }

  async check(): Promise<ConnectorProbe[]> {
    const end = new Date();
    try {
      await this.cloudtrail.send(new LookupEventsCommand({ StartTime: new Date(end.getTime() - 3_600_000), EndTime: end, MaxResults: 1 }));
      return [{ name: 'lookup-events', ok: true, detail: 'LookupEvents answers' }];
    } catch (error) {
      return [{ name: 'lookup-events', ok: false, detail: classifyAwsError({ connector: this.connector, operation: 'look up events' }, error).message }];
    }
  }
}

function lookupAttribute(params: Partial<CollectParams>): { attribute?: LookupAttribute; problem?: string } {
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

/** CloudTrail hands the full record as a JSON string; keep it structured when it parses. */
function parseEventJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
