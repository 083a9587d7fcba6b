/**
 * Finds a drill scenario for `quell drill start`: by path to a `*.drill.yaml` file, or by scenario
 * id among the scenarios in `<runbooks>/drills/`. Either way it is checked against the configured
 * runbooks folder, where its runbook is found; an invalid scenario is never started.
 */
import path from 'node:path';
import { excerpt } from '../../common/text-safety';
import { formatRunbookError } from '../../runbooks/load';
import { loadScenarioFile, loadScenarioFiles, SCENARIO_FILE, scenarioFilesIn } from '../../runbooks/scenarios/load';
import type { Scenario } from '../../runbooks/scenarios/schema';
import { CliFailure, usageFailure } from '../failure';
import { listRunbooks, type FoundRunbook } from '../runbook-catalogue';
import { reachableRunbooks } from '../../runbooks/sub-runbooks';

export interface FoundScenario {
  scenario: Scenario;
  sha256: string;
  runbook: FoundRunbook;
  /** The runbooks its twists' follow-ups name, loaded from the same folder. */
  followUpRunbooks: Record<string, { runbook: FoundRunbook['runbook']; sha256: string }>;
}

export async function findScenario(reference: string, runbooksDir: string): Promise<FoundScenario> {
  const runbooks = await listRunbooks(runbooksDir);
  const lookup = new Map(runbooks.map((found) => [found.runbook.id, found.runbook]));
  const withRunbook = (scenario: Scenario, sha256: string): FoundScenario => {
    const runbook = runbooks.find((found) => found.runbook.id === scenario.runbook);
    // The loader has checked that the runbook exists in this folder.
    if (!runbook) throw new CliFailure(`scenario ${scenario.scenario}: no runbook ${scenario.runbook} in ${runbooksDir}`);
    const followUpRunbooks: FoundScenario['followUpRunbooks'] = {};
    for (const inject of scenario.injects) {
      const id = inject.twist?.follow_up.runbook;
      const found = id === undefined ? undefined : runbooks.find((candidate) => candidate.runbook.id === id);
      if (id !== undefined && found) followUpRunbooks[id] = { runbook: found.runbook, sha256: found.sha256 };
    }
    // And what the runbook or a follow-up starts as child runs (startDrill picks what is reachable).
    for (const root of [runbook.runbook, ...Object.values(followUpRunbooks).map((entry) => entry.runbook)]) {
      const reached = reachableRunbooks(root, (id) => runbooks.find((candidate) => candidate.runbook.id === id));
      for (const [id, entry] of reached.found) followUpRunbooks[id] = { runbook: entry.runbook, sha256: entry.sha256 };
    }
    return { scenario, sha256, runbook, followUpRunbooks };
  };
  if (SCENARIO_FILE.test(reference) || reference.includes(path.sep)) {
    const loaded = loadScenarioFile(reference, lookup);
    if (!loaded.ok) throw new CliFailure(loaded.errors.map(formatRunbookError).join('\n'));
    return withRunbook(loaded.scenario, loaded.sha256);
  }
  const { scenarios, errors } = loadScenarioFiles(await scenarioFilesIn(runbooksDir), lookup);
  const found = scenarios.find((loaded) => loaded.scenario.scenario === reference);
  if (found) return withRunbook(found.scenario, found.sha256);
  if (errors.length > 0) throw new CliFailure(`scenarios in ${runbooksDir} have errors (run quell lint):\n${errors.map(formatRunbookError).join('\n')}`);
  const known = scenarios.map((loaded) => loaded.scenario.scenario).join(', ') || 'none';
  throw usageFailure(`no scenario "${excerpt(reference, 80)}" in ${path.join(runbooksDir, 'drills')}; known scenarios: ${known}`);
}
