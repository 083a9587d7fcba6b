/**
 * Keeps closed runs' dossiers past Temporal's retention: each run's signed dossier (JSON and HTML)
 * and its anchor go into the write-once evidence store, then one anchor for the whole pass.
 *
 * ```
 * audit/runs/<run folder>/<run id>/dossier.json   the verifiable record
 * audit/runs/<run folder>/<run id>/dossier.html   the same, for people
 * audit/runs/<run folder>/<run id>/anchor.json    its head and signature: written last, so it marks "archived"
 * audit/anchors/<time>.json                       one per pass: every head it anchored, and the previous pass's hash
 * ```
 *
 * Idempotent: a run whose anchor exists is skipped once its anchored head is found equal to the
 * head its history yields now (dossier heads depend on the history only). A difference is
 * reported and nothing is overwritten; under Object Lock nothing could be. A pass cut off between
 * a run's files finds them on the next pass and completes the run with the same head.
 */
import { createHash } from 'node:crypto';
import type { EvidenceStore } from '../../connectors/evidence-roles';
import type { RawHistory } from '../drill/history';
import type { ChainHead } from './chain';
import { buildDossier } from './dossier';
import { renderDossierHtml } from './dossier-html';
import type { DossierDocument } from './dossier-types';
import { dossierView } from './dossier-view';
import type { HeadSignature } from './signing';
import { verifyDossierOffline } from './verify-dossier';

export const ANCHOR_FORMAT = 'quell-anchor/1';
export const PASS_ANCHOR_FORMAT = 'quell-archive-pass/1';
export const PASSES_FOLDER = 'audit/anchors/';

/** What a run's anchor holds: enough to tell a truncated or rewritten dossier from the archived one. */
export interface RunAnchor {
  format: typeof ANCHOR_FORMAT;
  workflowId: string;
  runId: string;
  namespace: string;
  head: ChainHead;
  signature: HeadSignature;
  archivedAt: string;
  dossierSha256: string;
  htmlSha256: string;
}

export interface ClosedRun {
  workflowId: string;
  runId: string;
  closedAt: string;
}

export interface ArchiveDeps {
  namespace: string;
  store: EvidenceStore;
  signingKeyPem: string;
  publicKeyPem: string;
  exportedBy: string;
  /** Closed runs to archive (the caller's visibility query decides which). */
  runs: AsyncIterable<ClosedRun>;
  /** The run's history with its payloads decoded. */
  fetchHistory(run: ClosedRun): Promise<RawHistory>;
  now(): Date;
  /** Called after each run (for progress lines and activity heartbeats). */
  onRun?(result: RunArchiveResult): void;
}

export type RunArchiveResult =
  | { workflowId: string; runId: string; outcome: 'archived' | 'skipped'; headSha256: string; location: string }
  | { workflowId: string; runId: string; outcome: 'failed'; reason: string };

export interface ArchiveSummary {
  archived: number;
  skipped: number;
  failed: RunArchiveResult[];
  /** The key of this pass's anchor, when it anchored anything. */
  passAnchor?: string;
}

/** A name as one safe path segment: percent-encoded, and never `.` or `..`. */
const segment = (value: string) => encodeURIComponent(value).replace(/^\./, '%2E');

/** Where every archived run of one workflow id lives, one folder per run id. */
export function workflowArchiveFolder(workflowId: string): string {
  return `audit/runs/${segment(workflowId)}/`;
}

/** The run's folder in the store: its workflow id as one safe path segment, then its run id. */
export function runArchiveFolder(workflowId: string, runId: string): string {
  return `${workflowArchiveFolder(workflowId)}${segment(runId)}/`;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

export async function archiveClosedRuns(deps: ArchiveDeps): Promise<ArchiveSummary> {
  const summary: ArchiveSummary = { archived: 0, skipped: 0, failed: [] };
  const anchored: Array<{ workflowId: string; runId: string; headSha256: string }> = [];
  for await (const run of deps.runs) {
    let result: RunArchiveResult;
    try {
      result = await archiveOne(deps, run);
    } catch (error) {
      result = { ...run, outcome: 'failed', reason: (error as Error).message };
    }
    if (result.outcome === 'failed') summary.failed.push(result);
    else {
      summary[result.outcome] += 1;
      if (result.outcome === 'archived') anchored.push({ workflowId: run.workflowId, runId: run.runId, headSha256: result.headSha256 });
    }
    deps.onRun?.(result);
  }
  if (anchored.length > 0) summary.passAnchor = await writePassAnchor(deps, anchored);
  return summary;
}

async function archiveOne(deps: ArchiveDeps, run: ClosedRun): Promise<RunArchiveResult> {
  const folder = runArchiveFolder(run.workflowId, run.runId);
  const history = await deps.fetchHistory(run);
  const dossier = buildDossier(history, { workflowId: run.workflowId, namespace: deps.namespace, signingKeyPem: deps.signingKeyPem, exportedBy: deps.exportedBy, now: deps.now });
  const existing = await readObjects(deps.store, folder);
  const anchorBytes = existing.get('anchor.json');
  if (anchorBytes) {
    const anchor = JSON.parse(anchorBytes.toString('utf8')) as RunAnchor;
    if (anchor.head?.headSha256 !== dossier.head.headSha256) {
      return { ...run, outcome: 'failed', reason: `already archived with head ${String(anchor.head?.headSha256).slice(0, 16)}…, but its history now yields ${dossier.head.headSha256.slice(0, 16)}…: the history changed after archiving (left as archived)` };
    }
    return { ...run, outcome: 'skipped', headSha256: anchor.head.headSha256, location: `${deps.store.location}${folder}` };
  }
  // A pass cut off mid-run left some files: keep them when they hold the same head, as they must.
  const json = await keepOrCreate(deps.store, `${folder}dossier.json`, existing.get('dossier.json'), Buffer.from(`${JSON.stringify(dossier, null, 2)}\n`), dossier.head);
  const stored = JSON.parse(json.toString('utf8')) as DossierDocument;
  const html = Buffer.from(renderDossierHtml(dossierView(stored, verifyDossierOffline(stored, deps.publicKeyPem))));
  const htmlKept = existing.get('dossier.html') ?? ((await deps.store.createIfAbsent(`${folder}dossier.html`, html, 'text/html; charset=utf-8')) ? html : await readBack(deps.store, folder, 'dossier.html'));
  const anchor: RunAnchor = {
    format: ANCHOR_FORMAT,
    workflowId: run.workflowId,
    runId: run.runId,
    namespace: deps.namespace,
    head: stored.head,
    signature: stored.signature!,
    archivedAt: deps.now().toISOString(),
    dossierSha256: sha256(json),
    htmlSha256: sha256(htmlKept),
  };
  if (!(await deps.store.createIfAbsent(`${folder}anchor.json`, Buffer.from(`${JSON.stringify(anchor, null, 2)}\n`)))) {
    // Another pass anchored it meanwhile: judge what it wrote, as above.
    return archiveOne(deps, run);
  }
  return { ...run, outcome: 'archived', headSha256: stored.head.headSha256, location: `${deps.store.location}${folder}` };
}

async function readObjects(store: EvidenceStore, folder: string): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  for (const object of await store.listFolder(folder)) found.set(object.name, await object.read());
  return found;
}

async function readBack(store: EvidenceStore, folder: string, name: string): Promise<Buffer> {
  const object = (await store.listFolder(folder)).find((candidate) => candidate.name === name);
  if (!object) throw new Error(`${store.location}${folder}${name} was reported present but cannot be listed`);
  return object.read();
}

async function keepOrCreate(store: EvidenceStore, key: string, existing: Buffer | undefined, fresh: Buffer, head: ChainHead): Promise<Buffer> {
  let kept = existing;
  if (!kept) {
    if (await store.createIfAbsent(key, fresh)) return fresh;
    const folder = key.slice(0, key.lastIndexOf('/') + 1);
    kept = await readBack(store, folder, key.slice(folder.length));
  }
  const keptHead = (JSON.parse(kept.toString('utf8')) as DossierDocument).head;
  if (keptHead?.headSha256 !== head.headSha256) {
    throw new Error(`${store.location}${key} holds a dossier with head ${String(keptHead?.headSha256).slice(0, 16)}…, not ${head.headSha256.slice(0, 16)}…: left as it is`);
  }
  return kept;
}

/**
 * The pass's anchor: every head it archived, chained to the previous pass's anchor by hash, so a
 * pass removed from the store (where it could be) breaks the next one's `prev`.
 */
async function writePassAnchor(deps: ArchiveDeps, runs: Array<{ workflowId: string; runId: string; headSha256: string }>): Promise<string> {
  const passes = (await deps.store.listFolder(PASSES_FOLDER)).sort((a, b) => a.name.localeCompare(b.name));
  const previous = passes[passes.length - 1];
  const at = deps.now().toISOString();
  const body = {
    format: PASS_ANCHOR_FORMAT,
    at,
    namespace: deps.namespace,
    prev: previous ? { name: previous.name, sha256: sha256(await previous.read()) } : null,
    runs: [...runs].sort((a, b) => a.workflowId.localeCompare(b.workflowId) || a.runId.localeCompare(b.runId)),
  };
  const key = `${PASSES_FOLDER}${at.replace(/[:.]/g, '-')}.json`;
  await deps.store.createIfAbsent(key, Buffer.from(`${JSON.stringify(body, null, 2)}\n`));
  return `${deps.store.location}${key}`;
}
