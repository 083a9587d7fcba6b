/**
 * `npm run bench`: runs every benchmark, one after the other, each in a Node process of its own
 * (a clean event loop and heap each, and `--expose-gc` so a bench can report memory).
 * `npm run bench -- effect-journal` runs only the benchmarks whose name contains a given word.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

/** Each file is one benchmark; see its header for what it measures and its settings. */
const BENCHES = ['slack-ack', 'effect-journal', 'parked-runs', 'audit-dossier'];

function runOne(name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', path.join(__dirname, `${name}.ts`)], {
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const chosen = wanted.length === 0 ? BENCHES : BENCHES.filter((name) => wanted.some((word) => name.includes(word)));
  if (chosen.length === 0) throw new Error(`no benchmark matches ${wanted.join(', ')}; there are: ${BENCHES.join(', ')}`);
  const failed: string[] = [];
  for (const name of chosen) {
    process.stdout.write(`\n=== test/bench/${name}.ts ===\n`);
    if ((await runOne(name)) !== 0) failed.push(name);
  }
  if (failed.length > 0) {
    process.stderr.write(`failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
