/**
 * `quell audit verify <dossier.json>`: offline, recomputes the hash chain (naming the first entry
 * where it breaks) and checks the Ed25519 signature over its head with a trusted public key. With
 * `--live` it also compares the dossier with the run's history in Temporal now (events added,
 * removed or changed). `quell audit verify --replay <run>` instead replays the run's history
 * against this code: does it reproduce that run?
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { compareDossierWithTemporal } from '../../client/audit-dossier';
import { excerpt } from '../../common/text-safety';
import type { DossierDocument } from '../../reports/audit/dossier-types';
import { verifyDossierOffline, type OfflineVerdict } from '../../reports/audit/verify-dossier';
import { auditKeyFiles } from '../../reports/audit/key-files';
import { cliAuditKeys } from '../audit-keys';
import type { CliContext } from '../context';
import { jsonForTerminal, shownText } from '../display';
import { CliFailure, usageFailure } from '../failure';
import { checkAgainstAnchor } from '../../reports/audit/anchor-check';
import { readArchivedRun } from './audit-archived';
import { replayTargetFrom, verifyReplay } from './audit-verify-replay';

/** A dossier of a 10,000-event run is a few MB; far larger input is refused before parsing. */
const MAX_DOSSIER_BYTES = 256 * 1024 * 1024;

interface VerifyOptions {
  publicKey?: string;
  anchor?: string;
  archived?: boolean;
  runId?: string;
  from?: string;
  live?: boolean;
  replay?: boolean;
  history?: string;
  workflowId?: string;
  json?: boolean;
}

function parseDossier(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliFailure(`${excerpt(source, 200)} is not JSON (${(error as Error).message}): verify reads the JSON dossier (quell audit export --format json)`);
  }
}

export function readDossierFile(file: string): Buffer {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_DOSSIER_BYTES) throw new CliFailure(`${file} is ${size} bytes: larger than any dossier Quell writes (${MAX_DOSSIER_BYTES})`);
    bytes = fs.readFileSync(file);
  } catch (error) {
    if (error instanceof CliFailure) throw error;
    throw new CliFailure(`cannot read ${excerpt(file, 200)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return bytes;
}

/** The verdict as lines a reviewer reads, one per check. */
export function verdictLines(verdict: OfflineVerdict): string[] {
  return [
    `format: ${verdict.format.ok ? 'ok' : 'FAILED'} (${verdict.format.detail})`,
    verdict.chain.ok ? 'chain: intact' : `chain: BROKEN at entry ${verdict.chain.entryIndex}: ${verdict.chain.reason}`,
    `signature: ${verdict.signature.ok ? 'valid' : 'FAILED'} (${verdict.signature.detail})`,
  ];
}

export function registerAuditVerify(audit: Command, ctx: CliContext): void {
  audit
    .command('verify [target]')
    .description('check a dossier offline (hash chain, signature), against Temporal (--live), or replay a run against this code (--replay <run>)')
    .option('--public-key <file>', 'Ed25519 public key to trust (default: $QUELL_AUDIT_PUBLIC_KEY, else the public half of $QUELL_AUDIT_SIGNING_KEY)')
    .option('--live', "also compare the dossier with the run's history in Temporal now")
    .option('--anchor <file>', 'also check the dossier against its anchor from the write-once store (anchor.json)')
    .option('--archived', "target is a run id: verify its archived dossier and anchor, read from the connectors file's evidence store")
    .option('--run-id <id>', 'with --archived: which run of that workflow id, when several were archived')
    .option('--from <store>', 'with --archived: the evidence store to read (when several are configured)')
    .option('--replay', "replay the run's history against this code instead (target: a run id, or --history FILE)")
    .option('--history <file>', 'with --replay: an exported history JSON instead of a run id')
    .option('--workflow-id <id>', 'with --replay --history: the run the history is of')
    .option('--json', 'print the verdict as JSON')
    .action(async (target: string | undefined, options: VerifyOptions) => {
      if (options.replay) {
        if (options.live || options.publicKey) throw usageFailure('--replay checks the code, not a dossier: it takes no --live or --public-key');
        await verifyReplay(ctx, replayTargetFrom(target, options), { ...(options.json ? { json: true } : {}) });
        return;
      }
      if (options.history !== undefined || options.workflowId !== undefined) throw usageFailure('--history and --workflow-id go with --replay');
      if (target === undefined || !target.trim()) throw usageFailure('name the dossier file to verify (quell audit export --format json --out FILE), or a run id with --archived');
      if (!options.archived && (options.runId !== undefined || options.from !== undefined)) throw usageFailure('--run-id and --from go with --archived');
      if (options.archived && options.anchor !== undefined) throw usageFailure('--archived reads the anchor from the store itself: drop --anchor');
      const archived = options.archived ? await readArchivedRun(ctx, target, { ...(options.runId ? { runId: options.runId } : {}), ...(options.from ? { from: options.from } : {}) }) : undefined;
      const bytes = archived?.dossier ?? readDossierFile(target);
      const document = parseDossier(bytes.toString('utf8'), archived ? `${archived.location}dossier.json` : target);
      const anchorBytes = archived ? archived.anchor : options.anchor !== undefined ? readDossierFile(options.anchor) : undefined;
      // A public key named (by flag, else environment) is all verify reads; else the signing key's public half.
      const configured = auditKeyFiles(ctx.env);
      const publicKeyFile = options.publicKey ?? configured.publicKeyFile;
      const { publicKeyPem: publicPem } = cliAuditKeys(ctx, publicKeyFile ? { publicKeyFile } : configured);
      const verdict = verifyDossierOffline(document, publicPem);
      const lines = [...(archived ? [`archived copy: ${archived.location}`] : []), ...verdictLines(verdict)];
      let anchorOk = true;
      if (archived && !anchorBytes) {
        anchorOk = false;
        lines.push('anchor: MISSING (the archive pass that wrote this dossier did not finish: run quell audit archive again)');
      } else if (anchorBytes) {
        const anchorCheck = verdict.chain.ok ? checkAgainstAnchor(document as DossierDocument, parseDossier(anchorBytes.toString('utf8'), options.anchor ?? 'anchor.json'), bytes) : { ok: false, detail: 'not checked: the chain is broken' };
        anchorOk = anchorCheck.ok;
        lines.push(`anchor: ${anchorCheck.ok ? 'ok' : 'FAILED'} (${anchorCheck.detail})`);
      }
      let liveOk = true;
      let live: { ok: boolean; differences: string[] } | undefined;
      if (options.live) {
        if (!verdict.chain.ok) lines.push('live history: not compared (the chain is broken)');
        else {
          live = await compareDossierWithTemporal(await ctx.getClient(), document as DossierDocument);
          liveOk = live.ok;
          lines.push(live.ok ? 'live history: matches the dossier' : `live history: DIFFERS\n${live.differences.map((line) => `  - ${line}`).join('\n')}`);
        }
      }
      const ok = verdict.ok && liveOk && anchorOk;
      if (options.json) ctx.io.stdout(jsonForTerminal({ ...verdict, ok, ...(live ? { live } : {}) }));
      else ctx.io.stdout(lines.map((line) => shownText(line)).join('\n'));
      if (!ok) throw new CliFailure(`NOT VERIFIED: ${target}`);
    });
}
