/** Loads the drill fixtures (test/fixtures/drills/runbooks) through the real loaders. */
import path from 'node:path';
import { formatRunbookError } from '../../runbooks/load';
import { loadScenarioFile } from '../../runbooks/scenarios/load';
import type { Scenario } from '../../runbooks/scenarios/schema';
import type { Runbook } from '../../runbooks/schema';
import { loadTestRunbook, REPO } from './runbooks';

export const DRILL_RUNBOOKS_DIR = path.join(REPO, 'test', 'fixtures', 'drills', 'runbooks');

export async function loadTestDrill(name: string): Promise<{ scenario: Scenario; scenarioSha256: string; runbook: Runbook; runbookSha256: string }> {
  const { runbook, sha256: runbookSha256 } = await loadTestRunbook(path.join(DRILL_RUNBOOKS_DIR, `${name}.yaml`));
  const loaded = loadScenarioFile(path.join(DRILL_RUNBOOKS_DIR, 'drills', `${name}.drill.yaml`), new Map([[runbook.id, runbook]]));
  if (!loaded.ok) throw new Error(loaded.errors.map(formatRunbookError).join('\n'));
  return { scenario: loaded.scenario, scenarioSha256: loaded.sha256, runbook, runbookSha256 };
}
