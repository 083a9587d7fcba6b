/**
 * Turns pages of records (as paginated APIs return them) into an NDJSON byte stream that pulls
 * the next page only when the consumer wants more bytes: a long query never sits in memory whole.
 */
import { Readable } from 'node:stream';
import type { PlannedArtifact } from '../evidence-roles';

export interface NdjsonStream {
  stream: Readable;
  /** Records written so far (all of them once the stream has ended). */
  records(): number;
}

export function ndjsonFromPages(pages: AsyncIterable<readonly unknown[]>): NdjsonStream {
  let count = 0;
  async function* lines(): AsyncGenerator<Buffer> {
    for await (const page of pages) {
      if (page.length === 0) continue;
      count += page.length;
      yield Buffer.from(page.map((record) => `${JSON.stringify(record)}\n`).join(''));
    }
  }
  return { stream: Readable.from(lines(), { objectMode: false }), records: () => count };
}

/** A planned NDJSON artifact whose pages are fetched only once the store opens it. */
export function ndjsonArtifact(name: string, pages: () => AsyncIterable<readonly unknown[]>): PlannedArtifact {
  let opened: NdjsonStream | undefined;
  return {
    name,
    mediaType: 'application/x-ndjson',
    open: async () => (opened = ndjsonFromPages(pages())).stream,
    records: () => opened?.records() ?? 0,
  };
}
