/**
 * The workflow code as one bundle. `npm run build` writes it beside the compiled worker
 * (dist/workflow-bundle.js), so a compiled worker starts without running webpack; a worker run
 * from TypeScript sources (development, tests) bundles workflows/ at start as before.
 *
 * The worker evaluates the bundle's modules again for every run it keeps in its cache (each run
 * has its own module state), so whatever the bundle holds is paid per parked run. It must hold
 * only what workflows need: types come from elsewhere with `import type`, input is validated at
 * the edge (activities, client), and the libraries in KEPT_OUT below fail the build if anything
 * the workflows import pulls them in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode, type BundleOptions, type WorkerOptions } from '@temporalio/worker';

/** Where the build puts the bundle, relative to the compiled worker/ folder. */
export const PREBUILT_BUNDLE_PATH = path.join(__dirname, '..', 'workflow-bundle.js');

/**
 * Libraries that must never be in the workflow bundle, with the reason. zod: its schemas are
 * built when their module loads, ~1.5 MB of objects per cached run (validate at the edge
 * instead); yaml: parsing belongs to the loaders, workflows get parsed objects.
 */
export const KEPT_OUT: Readonly<Record<string, string>> = {
  zod: 'schemas are built for every cached run; validate at the edge (activities, client) and import only types in workflows',
  yaml: 'parsing belongs to the loaders; workflows receive parsed objects',
};

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/**
 * Bundles workflows/ (or `workflowsPath`) the way production does. Fails, naming the importer,
 * when the code reaches a library in KEPT_OUT.
 */
export async function bundleQuellWorkflows(workflowsPath: string = require.resolve('../workflows')): Promise<{ code: string }> {
  const refused: string[] = [];
  try {
    const { code } = await bundleWorkflowCode({
      workflowsPath,
      logger: new DefaultLogger('WARN'),
      webpackConfigHook: (config) => keepOut(config, refused),
    });
    return { code };
  } catch (error) {
    if (refused.length > 0) throw new Error(`workflow bundle refused:\n${[...new Set(refused)].join('\n')}`, { cause: error });
    throw error;
  }
}

/** Adds an `externals` check that refuses (and lists in `refused`) every request of a KEPT_OUT library. */
function keepOut(config: WebpackConfig, refused: string[]): WebpackConfig {
  const existing = config.externals === undefined ? [] : Array.isArray(config.externals) ? config.externals : [config.externals];
  const check = (data: { request?: string; contextInfo?: { issuer?: string } }, callback: (error?: Error) => void): void => {
    const library = data.request?.split('/')[0];
    if (library && Object.hasOwn(KEPT_OUT, library)) {
      const problem = `${data.contextInfo?.issuer ?? 'workflow code'} imports ${data.request}: ${KEPT_OUT[library]}`;
      refused.push(problem);
      callback(new Error(problem));
      return;
    }
    callback();
  };
  return { ...config, externals: [...existing, check] };
}

/** The pre-built bundle when this code is the compiled build and the bundle exists, else undefined. */
export function prebuiltWorkflowBundle(): WorkerOptions['workflowBundle'] | undefined {
  const compiled = __filename.endsWith('.js');
  return compiled && fs.existsSync(PREBUILT_BUNDLE_PATH) ? { codePath: PREBUILT_BUNDLE_PATH } : undefined;
}
