/**
 * The `record` source: keeps something the run itself produced (a vendor's deletion
 * confirmation, an access report) as a JSON artifact, from the step's `content`. It reads nothing
 * outside the run, so it is part of the action rather than a connector: it needs no settings and
 * is always available.
 */
import { Readable } from 'node:stream';
import { safeArtifactName, type CollectParams, type CollectionRequest, type EvidenceSource, type PlannedArtifact } from '../../connectors/evidence-roles';
import { invalidFailure } from '../../connectors/failures';

export class RecordSource implements EvidenceSource {
  readonly kind = 'record' as const;
  readonly windowed = false;

  async plan({ params }: CollectionRequest): Promise<PlannedArtifact[]> {
    if (params.content === undefined) {
      throw invalidFailure({ connector: 'evidence-source:record', operation: 'keep a record' }, 'the step gives no `content` to keep');
    }
    const bytes = Buffer.from(`${JSON.stringify(params.content, null, 2)}\n`);
    return [
      {
        name: safeArtifactName(`record/${params.label ?? 'content'}.json`),
        mediaType: 'application/json',
        open: async () => Readable.from([bytes], { objectMode: false }),
      },
    ];
  }
}

/** Problems visible from the parameters alone, before the run starts. */
export function recordProblems(params: Partial<CollectParams>): string[] {
  return 'content' in params && params.content === undefined ? ['record: the step gives no content to keep'] : [];
}
