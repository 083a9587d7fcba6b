/**
 * Property test of the runbook loader and linter over seeded mutations of every shipped and test
 * runbook: it never throws or hangs, it either accepts or gives errors that each point at a real
 * place in the text, and whatever it accepts starts in tabletop (in process: inputs, live
 * pre-check, deadlines, templates). QUELL_FUZZ_SEED / QUELL_FUZZ_RUNS replay or widen a run.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRunbookText, type RunbookError } from '../../runbooks/load';
import { fuzzSettings } from '../support/fuzz-settings';
import { runbookMutant, seedRunbookTexts } from '../support/runbook-mutants';
import { assertStartsCleanly } from '../support/start-check';

const seeds = seedRunbookTexts();
const { seed, numRuns } = fuzzSettings('runbook-loader', 4_000);
const CASE_TIME_BOUND_MS = 1_000;

/** Messages about the document as a whole, which rightly point at its first line. */
const WHOLE_DOCUMENT = [/^file is too large/];

/** Why an error's position is not a real place in `text`, or undefined when it is. */
function positionProblem(error: RunbookError, lines: string[]): string | undefined {
  if (!Number.isInteger(error.line) || !Number.isInteger(error.col) || error.line < 1 || error.col < 1) return 'position is not 1-based';
  if (error.line > lines.length) return `line ${error.line} is past the end (${lines.length} lines)`;
  if (error.col > lines[error.line - 1].length + 1) return `col ${error.col} is past the end of line ${error.line}`;
  if (error.message.trim() === '') return 'empty message';
  const firstLine = lines.findIndex((line) => line.trim() !== '' && !line.trimStart().startsWith('#')) + 1;
  // An empty document has nowhere better to point; otherwise 1:1 is only right if content is there.
  if (error.line === 1 && error.col === 1 && firstLine > 1 && !WHOLE_DOCUMENT.some((pattern) => pattern.test(error.message))) {
    return 'points at 1:1, which holds no content';
  }
  return undefined;
}

describe(`runbook loader fuzz (seed ${seed}, ${numRuns} cases)`, () => {
  it('never throws, never hangs, locates every error, and what it accepts starts', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(runbookMutant(seeds), ({ text }) => {
        const started = performance.now();
        const result = loadRunbookText(text, 'mutant.yaml');
        const elapsed = performance.now() - started;
        if (elapsed > CASE_TIME_BOUND_MS) throw new Error(`loading took ${elapsed.toFixed(0)} ms`);
        if (result.ok) {
          accepted += 1;
          assertStartsCleanly(result.runbook);
          return;
        }
        refused += 1;
        if (result.errors.length === 0) throw new Error('refused without an error');
        const lines = text.split('\n');
        for (const error of result.errors) {
          const problem = positionProblem(error, lines);
          if (problem) {
            const saved = path.join(os.tmpdir(), 'quell-fuzz-runbook-failure.yaml');
            writeFileSync(saved, text);
            console.error(`failing mutant saved to ${saved}`);
          }
          if (problem) throw new Error(`${problem}: ${error.line}:${error.col}: ${error.message.slice(0, 300)}`);
        }
      }),
      { seed, numRuns },
    );
    console.log(`runbook loader fuzz: seed ${seed}, ${numRuns} cases, ${accepted} accepted, ${refused} refused`);
    // A mutator that only ever produced broken files (or only valid ones) would test little.
    expect(accepted).toBeGreaterThan(numRuns / 20);
    expect(refused).toBeGreaterThan(numRuns / 4);
  });
});
