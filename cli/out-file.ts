/**
 * `--out FILE` for commands that print a report: the text is written whole (ending with a line
 * break), and a failure names the flag and the reason, not a stack.
 */
import fs from 'node:fs';
import path from 'node:path';
import { excerpt } from '../common/text-safety';
import { CliFailure } from './failure';

/** Writes `text` to the file `--out` named; returns its absolute path. */
export function writeOutFile(out: string, text: string): string {
  const file = path.resolve(out);
  try {
    fs.writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
  } catch (error) {
    throw new CliFailure(`cannot write --out ${excerpt(out, 200)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return file;
}
