/**
 * Build step: bundles the compiled workflow code into dist/workflow-bundle.js with the production
 * options and checks of worker/workflow-bundle.ts. Run by `npm run build` after tsc, from dist/scripts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PREBUILT_BUNDLE_PATH, bundleQuellWorkflows } from '../worker/workflow-bundle';

async function main(): Promise<void> {
  const started = Date.now();
  const { code } = await bundleQuellWorkflows();
  fs.writeFileSync(PREBUILT_BUNDLE_PATH, code);
  // Last: bin/load.js runs dist/ only when this stamp is newer than every source file.
  fs.writeFileSync(path.join(path.dirname(PREBUILT_BUNDLE_PATH), '.build-complete'), `${new Date().toISOString()}\n`);
  process.stderr.write(`workflow bundle: ${(code.length / 1024 / 1024).toFixed(1)} MB in ${Date.now() - started} ms -> ${PREBUILT_BUNDLE_PATH}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`workflow bundle failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
