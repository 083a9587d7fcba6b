/**
 * Reads an archived dossier and its anchor back from the evidence stores of the connectors file,
 * for `quell audit verify --archived <run>`: the auditor checks the copy that outlives Temporal's
 * retention, exactly as it sits in the write-once store.
 */
import { excerpt } from '../../common/text-safety';
import { runArchiveFolder, workflowArchiveFolder } from '../../reports/audit/archive';
import type { CliContext } from '../context';
import { CliFailure } from '../failure';
import { withEvidenceStores } from '../evidence-stores';
import { pickStore } from './audit-archive';

export interface ArchivedRun {
  location: string;
  dossier: Buffer;
  anchor?: Buffer;
}

export async function readArchivedRun(ctx: CliContext, workflowId: string, options: { runId?: string; from?: string }): Promise<ArchivedRun> {
  return withEvidenceStores(ctx, async (opened, connectorsFile) => {
    const store = pickStore(opened.stores, options.from, connectorsFile);
    const runsFolder = workflowArchiveFolder(workflowId);
    const runIds = [...new Set((await store.listCopies(runsFolder)).map((copy) => decodeURIComponent(copy.key.slice(copy.key.indexOf(runsFolder) + runsFolder.length).split('/')[0]!)))];
    const runId = options.runId ?? (runIds.length === 1 ? runIds[0] : undefined);
    if (runIds.length === 0) throw new CliFailure(`${store.location} holds no archived dossier of ${excerpt(workflowId, 120)}`, 1);
    if (!runId) throw new CliFailure(`${store.location} holds ${runIds.length} archived runs of ${excerpt(workflowId, 120)}: name one with --run-id (${runIds.join(', ')})`, 2);
    const folder = runArchiveFolder(workflowId, runId);
    const objects = new Map((await store.listFolder(folder)).map((object) => [object.name, object]));
    const dossier = objects.get('dossier.json');
    if (!dossier) throw new CliFailure(`${store.location}${folder} holds no dossier.json`, 1);
    const anchor = objects.get('anchor.json');
    return { location: `${store.location}${folder}`, dossier: await dossier.read(), ...(anchor ? { anchor: await anchor.read() } : {}) };
  });
}
