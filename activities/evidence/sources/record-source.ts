/**
 * The `record` source: keeps something the run itself produced (a vendor's deletion
 * confirmation, an access report) as a JSON artifact, from the step's `content`. No outside
 * system is involved, so it has no connector.
 */
import { Readable } from 'node:stream';
import { invalidFailure } from '../../live/failures';
import { safeArtifactName } from '../custody/layout';
import type { CollectParams, CollectionRequest, EvidenceSource, PlannedArtifact } from './source';

export class RecordSource implements EvidenceSource {
  readonly kind = 'record' as const;
  readonly connector = undefined;
  readonly windowed = false;
  readonly description = 'content produced by the run';

  problems(params: Partial<CollectParams>): string[] {
    return 'content' in params && params.content === undefined ? ['record: the step gives no content to keep'] : [];
  }

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

  async check() {
    return [];
  }
}
