/**
 * Counts nft invocations: a wrapper named `nft` in a folder of its own, which the test puts first
 * on the worker's PATH. The nftables connector starts `nft` (or `ip netns exec <ns> nft`, where
 * `ip` looks `nft` up on the same PATH) by name, so every invocation runs the wrapper, which
 * appends its arguments to a log (one JSON array per line) and then runs the real nft.
 */
import fs from 'node:fs';
import path from 'node:path';
import { classifyNft } from './counting-classify';
import type { CallKind } from './counting-proxy';

export interface NftInvocation {
  args: string[];
  kind: CallKind;
}

export interface CountingNft {
  /** The folder to put first on PATH. */
  readonly dir: string;
  invocations(): NftInvocation[];
}

/** `realNft`: the absolute path of the real binary (the wrapper must not find itself). */
export function installCountingNft(dir: string, realNft: string): CountingNft {
  fs.mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'invocations.log');
  fs.writeFileSync(log, '');
  // Arguments are logged NUL-separated, one invocation per line: no quoting to get wrong.
  const script = ['#!/bin/sh', `printf '%s\\0' "$@" >> '${log}'`, `printf '\\n' >> '${log}'`, `exec '${realNft}' "$@"`, ''].join('\n');
  fs.writeFileSync(path.join(dir, 'nft'), script, { mode: 0o755 });
  return {
    dir,
    invocations: () =>
      fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const args = line.split('\0').slice(0, -1);
          return { args, kind: classifyNft(args) };
        }),
  };
}
