/**
 * The workflow code as one pre-built bundle. `npm run build` writes it beside the compiled worker
 * (dist/workflow-bundle.js), so a compiled worker starts without running webpack; a worker run
 * from TypeScript sources (development, tests) bundles workflows/ at start as before.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

/** Where the build puts the bundle, relative to the compiled worker/ folder. */
export const PREBUILT_BUNDLE_PATH = path.join(__dirname, '..', 'workflow-bundle.js');

/** The pre-built bundle when this code is the compiled build and the bundle exists, else undefined. */
export function prebuiltWorkflowBundle(): WorkerOptions['workflowBundle'] | undefined {
  const compiled = __filename.endsWith('.js');
  return compiled && fs.existsSync(PREBUILT_BUNDLE_PATH) ? { codePath: PREBUILT_BUNDLE_PATH } : undefined;
}
