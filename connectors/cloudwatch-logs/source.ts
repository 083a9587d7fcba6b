/**
 * The `cloudwatch-logs` source: FilterLogEvents over the collection window, the step's `query` as
 * the filter pattern, one NDJSON artifact per log group (the step's `log_groups`, else every group
 * the connectors file lists). Pages are fetched as the store consumes the stream.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { classifyAwsError } from '../aws/errors';
import type { ConnectorProbe } from '../connector';
import { ndjsonArtifact } from '../evidence-io/ndjson';
import { CLOUDWATCH_LOGS_CONNECTOR } from './connector-id';
import { safeArtifactName, type CollectParams, type CollectionRequest, type CollectionWindow, type EvidenceSource, type PlannedArtifact } from '../evidence-roles';

/** Events per page: bounds what one response holds in memory (events are at most 256 KiB). */
const PAGE_LIMIT = 1_000;

export class CloudWatchLogsSource implements EvidenceSource {
  readonly kind = 'cloudwatch-logs' as const;
  readonly connector = CLOUDWATCH_LOGS_CONNECTOR;
  readonly windowed = true;
  readonly description: string;

  constructor(
    private readonly logs: CloudWatchLogsClient,
    private readonly logGroups: readonly string[],
  ) {
    this.description = `CloudWatch Logs groups ${logGroups.join(', ')}`;
  }

  async plan({ params, window }: CollectionRequest): Promise<PlannedArtifact[]> {
    const groups = params.log_groups ?? this.logGroups;
    return groups.map((group) =>
      ndjsonArtifact(`cloudwatch-logs/${safeArtifactName(group)}.ndjson`, () => this.pages(group, params, window)),
    );
  }

  private async *pages(group: string, params: CollectParams, window: CollectionWindow): AsyncGenerator<unknown[]> {
    const site = { connector: this.connector, operation: `filter log events of ${group}` };
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      let page;
      try {
        page = await this.logs.send(
          new FilterLogEventsCommand({
            logGroupName: group,
            startTime: window.start.getTime(),
            endTime: window.end.getTime(),
            filterPattern: params.query,
            limit: PAGE_LIMIT,
            nextToken,
          }),
        );
      } catch (error) {
        throw classifyAwsError(site, error);
      }
      yield (page.events ?? []).map((event) => ({
        log_group: group,
        log_stream: event.logStreamName,
        timestamp: event.timestamp === undefined ? undefined : new Date(event.timestamp).toISOString(),
        ingestion_time: event.ingestionTime === undefined ? undefined : new Date(event.ingestionTime).toISOString(),
        event_id: event.eventId,
        message: event.message,
      }));
      nextToken = page.nextToken;
      // A token seen before would loop forever; the service does not do that, a proxy might.
      if (nextToken !== undefined && seen.has(nextToken)) break;
      if (nextToken !== undefined) seen.add(nextToken);
    } while (nextToken !== undefined);
  }

  async check(): Promise<ConnectorProbe[]> {
    return Promise.all(this.logGroups.map((group) => this.checkGroup(group)));
  }

  private async checkGroup(group: string): Promise<ConnectorProbe> {
    const name = `log-group ${group}`;
    try {
      const response = await this.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group, limit: 50 }));
      const exists = (response.logGroups ?? []).some((found) => found.logGroupName === group);
      return { name, ok: exists, detail: exists ? `${group} exists` : `log group ${group} does not exist` };
    } catch (error) {
      return { name, ok: false, detail: classifyAwsError({ connector: this.connector, operation: `describe ${group}` }, error).message };
    }
  }
}
