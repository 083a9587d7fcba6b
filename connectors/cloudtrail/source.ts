/**
 * The `cloudtrail` source: LookupEvents over the collection window, paginated, as one NDJSON
 * artifact, filtered by the one lookup attribute the step asks for (./lookup-attribute).
 */
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { classifyAwsError } from '../aws/errors';
import type { ConnectorProbe } from '../connector';
import { invalidFailure } from '../failures';
import { ndjsonArtifact } from '../evidence-io/ndjson';
import type { CollectionRequest, CollectionWindow, EvidenceSource, PlannedArtifact } from '../evidence-roles';
import { CLOUDTRAIL_CONNECTOR } from './connector-id';
import { lookupAttribute, type LookupChoice } from './lookup-attribute';

/** The largest page LookupEvents returns. */
const PAGE_LIMIT = 50;

export class CloudTrailSource implements EvidenceSource {
  readonly kind = 'cloudtrail' as const;
  readonly connector = CLOUDTRAIL_CONNECTOR;
  readonly windowed = true;
  readonly description = 'CloudTrail event history (LookupEvents)';

  constructor(private readonly cloudtrail: CloudTrailClient) {}

  async plan({ params, window }: CollectionRequest): Promise<PlannedArtifact[]> {
    const { attribute, problem } = lookupAttribute(params);
    if (problem) throw invalidFailure({ connector: this.connector, operation: 'look up events' }, problem);
    return [ndjsonArtifact('cloudtrail/events.ndjson', () => this.pages(attribute, window))];
  }

  private async *pages(attribute: LookupChoice | undefined, window: CollectionWindow): AsyncGenerator<unknown[]> {
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

/** CloudTrail hands the full record as a JSON string; keep it structured when it parses. */
function parseEventJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
