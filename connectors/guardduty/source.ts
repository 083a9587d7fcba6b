/**
 * The `guardduty` source: the findings of every detector in the region that were updated over the
 * collection window (./finding-criteria), one NDJSON artifact per detector. ListFindings pages
 * through the matching ids, oldest update first; each page of ids (at most 50, GetFindings' limit)
 * is fetched whole. Pages are fetched as the store consumes the stream.
 */
import {
  GetFindingsCommand,
  ListDetectorsCommand,
  ListFindingsCommand,
  type Finding,
  type FindingCriteria,
  type GuardDutyClient,
} from '@aws-sdk/client-guardduty';
import { classifyAwsError } from '../aws/errors';
import type { ConnectorProbe } from '../connector';
import { ndjsonArtifact } from '../evidence-io/ndjson';
import { invalidFailure, notFoundFailure } from '../failures';
import { safeArtifactName, type CollectionRequest, type EvidenceSource, type PlannedArtifact } from '../evidence-roles';
import { GUARDDUTY_CONNECTOR } from './connector-id';
import { findingCriteria, guardDutyProblems } from './finding-criteria';

/** The most ids ListFindings returns and GetFindings takes in one call. */
export const FINDINGS_PAGE = 50;

export class GuardDutySource implements EvidenceSource {
  readonly kind = 'guardduty' as const;
  readonly connector = GUARDDUTY_CONNECTOR;
  readonly windowed = true;
  readonly description: string;

  constructor(
    private readonly guardduty: GuardDutyClient,
    private readonly region: string,
  ) {
    this.description = `GuardDuty findings in ${region} (ListFindings, GetFindings)`;
  }

  async plan({ params, window }: CollectionRequest): Promise<PlannedArtifact[]> {
    const [problem] = guardDutyProblems(params);
    if (problem) throw invalidFailure({ connector: this.connector, operation: 'list findings' }, problem);
    const detectors = await this.detectors();
    if (detectors.length === 0) {
      throw notFoundFailure({ connector: this.connector, operation: 'list detectors' }, `GuardDuty has no detector in ${this.region}: it is not enabled there`);
    }
    const criteria = findingCriteria(params, window);
    return detectors.map((detector) => ndjsonArtifact(`guardduty/${safeArtifactName(detector)}.ndjson`, () => this.pages(detector, criteria)));
  }

  private async detectors(): Promise<string[]> {
    const found: string[] = [];
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      let page;
      try {
        page = await this.guardduty.send(new ListDetectorsCommand({ MaxResults: FINDINGS_PAGE, NextToken: nextToken }));
      } catch (error) {
        throw classifyAwsError({ connector: this.connector, operation: 'list detectors' }, error);
      }
      found.push(...(page.DetectorIds ?? []));
      nextToken = nextPage(page.NextToken, seen);
    } while (nextToken !== undefined);
    return found;
  }

  private async *pages(detector: string, criteria: FindingCriteria): AsyncGenerator<unknown[]> {
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      let ids: string[];
      try {
        const page = await this.guardduty.send(
          new ListFindingsCommand({
            DetectorId: detector,
            FindingCriteria: criteria,
            SortCriteria: { AttributeName: 'updatedAt', OrderBy: 'ASC' },
            MaxResults: FINDINGS_PAGE,
            NextToken: nextToken,
          }),
        );
        ids = page.FindingIds ?? [];
        nextToken = nextPage(page.NextToken, seen);
      } catch (error) {
        throw classifyAwsError({ connector: this.connector, operation: `list findings of detector ${detector}` }, error);
      }
      if (ids.length > 0) yield (await this.findings(detector, ids)).map((finding) => findingRecord(detector, finding));
    } while (nextToken !== undefined);
  }

  /** The findings of `ids` (at most {@link FINDINGS_PAGE}), in the order ListFindings gave them. */
  private async findings(detector: string, ids: readonly string[]): Promise<Finding[]> {
    let found: Finding[];
    try {
      found = (await this.guardduty.send(new GetFindingsCommand({ DetectorId: detector, FindingIds: [...ids] }))).Findings ?? [];
    } catch (error) {
      throw classifyAwsError({ connector: this.connector, operation: `get findings of detector ${detector}` }, error);
    }
    const byId = new Map(found.map((finding) => [finding.Id, finding]));
    // A finding archived or deleted between the two calls is simply absent.
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async check(): Promise<ConnectorProbe[]> {
    try {
      const detectors = await this.detectors();
      return [
        detectors.length > 0
          ? { name: 'detectors', ok: true, detail: `detector ${detectors.join(', ')} in ${this.region}` }
          : { name: 'detectors', ok: false, detail: `GuardDuty has no detector in ${this.region}: it is not enabled there` },
      ];
    } catch (error) {
      return [{ name: 'detectors', ok: false, detail: error instanceof Error ? error.message : String(error) }];
    }
  }
}

/** The token of the next page; undefined at the end, or if a token repeats (a proxy looping). */
function nextPage(token: string | undefined, seen: Set<string>): string | undefined {
  if (token === undefined || token === '' || seen.has(token)) return undefined;
  seen.add(token);
  return token;
}

/** The fields an investigator filters on first, then the finding as GuardDuty returned it. */
function findingRecord(detector: string, finding: Finding): Record<string, unknown> {
  return {
    detector_id: detector,
    finding_id: finding.Id,
    type: finding.Type,
    severity: finding.Severity,
    title: finding.Title,
    created_at: finding.CreatedAt,
    updated_at: finding.UpdatedAt,
    user_name: finding.Resource?.AccessKeyDetails?.UserName,
    access_key_id: finding.Resource?.AccessKeyDetails?.AccessKeyId,
    finding,
  };
}
