/**
 * One entry of a run's chain-of-custody log: which artifacts one evidence step stored, where they
 * came from, who collected them and when. Entries are hash-chained: each names the hash of the one
 * before it (the first names {@link GENESIS_HASH}), and its own hash is the sha256 of its canonical
 * JSON without the `hash` member, so changing, removing or reordering any entry breaks the chain.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json';

/** What the first entry of every log names as its predecessor. */
export const GENESIS_HASH = '0'.repeat(64);

export const CUSTODY_FORMAT = 'quell.custody/v1';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const CustodyArtifact = z.object({
  /** Name within the entry, e.g. `file/var/log/auth.log`. */
  name: z.string().min(1),
  /** Store-relative key of the stored copy. */
  object: z.string().min(1),
  /** S3 version id: the exact locked version this entry certifies. */
  version_id: z.string().min(1).optional(),
  sha256: Sha256Hex,
  size: z.int().min(0),
  media_type: z.string().min(1),
  /** Records in an NDJSON artifact (log events, API events), when the source counts them. */
  records: z.int().min(0).optional(),
  collected_at: z.string().min(1),
});

export const CustodyEntry = z.object({
  format: z.literal(CUSTODY_FORMAT),
  index: z.int().min(0),
  previous_hash: Sha256Hex,
  idempotency_key: z.string().min(1),
  source: z.string().min(1),
  label: z.string().min(1),
  query: z.string().optional(),
  principal: z.string().optional(),
  /** The time range the source was asked for; null for sources without one (files, records). */
  window: z.object({ start: z.string(), end: z.string() }).nullable(),
  collector: z.object({
    host: z.string(),
    pid: z.int(),
    workflow_id: z.string(),
    run_id: z.string(),
    step_id: z.string(),
  }),
  store: z.object({ kind: z.string(), location: z.string() }),
  artifacts: z.array(CustodyArtifact),
  /** When the entry was sealed (after every artifact was stored). */
  recorded_at: z.string().min(1),
  hash: Sha256Hex,
});

export type CustodyArtifact = z.infer<typeof CustodyArtifact>;
export type CustodyEntry = z.infer<typeof CustodyEntry>;
/** An entry before it has a place in the chain. */
export type CustodyDraft = Omit<CustodyEntry, 'index' | 'previous_hash' | 'hash' | 'format'>;

/** sha256 (hex) of the canonical JSON of `entry` without its `hash` member. */
export function entryHash(entry: Record<string, unknown>): string {
  const { hash: _ignored, ...unsealed } = entry;
  return createHash('sha256').update(canonicalJson(unsealed)).digest('hex');
}

/** Places `draft` at `index` after an entry whose hash is `previousHash`, and seals it. */
export function sealEntry(draft: CustodyDraft, index: number, previousHash: string): CustodyEntry {
  const unsealed = { format: CUSTODY_FORMAT, index, previous_hash: previousHash, ...draft } as const;
  return { ...unsealed, hash: entryHash(unsealed) };
}

/** The bytes stored for an entry (canonical JSON, so the stored text is itself the hashed form plus `hash`). */
export function entryBytes(entry: CustodyEntry): Buffer {
  return Buffer.from(`${canonicalJson(entry)}\n`);
}
