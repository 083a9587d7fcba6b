/**
 * The drill scenarios Slack offers: `<runbooks>/drills/*.drill.yaml` (the folder `quell drill
 * start` reads by scenario id), each checked against the runbooks the app offers (slack/runbooks.ts:
 * files with errors are left out). A scenario with errors is never started; it is counted so the
 * help can say some were left out.
 */
import type { LoadedRunbook } from '../runbooks/load';
import type { Runbook } from '../runbooks/schema';
import { loadScenarioFiles, scenarioFilesIn } from '../runbooks/scenarios/load';
import type { Scenario } from '../runbooks/scenarios/schema';
import { loadCatalogue } from './runbooks';
import { reachableRunbooks } from '../runbooks/sub-runbooks';

export interface DrillScenario {
  scenario: Scenario;
  sha256: string;
  runbook: LoadedRunbook;
  /** The runbooks its twists' follow-ups name, from the same catalogue, for the drill's input. */
  followUpRunbooks: Record<string, { runbook: Runbook; sha256: string }>;
}

export interface DrillScenarios {
  scenarios: DrillScenario[];
  /** Scenario and runbook files left out because of errors. */
  broken: number;
}

export async function loadDrillScenarios(runbooksDir: string): Promise<DrillScenarios> {
  const catalogue = await loadCatalogue(runbooksDir);
  const byId = new Map(catalogue.runbooks.map((entry) => [entry.runbook.id, entry]));
  const lookup = new Map(catalogue.runbooks.map((entry) => [entry.runbook.id, entry.runbook]));
  const { scenarios, errors } = loadScenarioFiles(await scenarioFilesIn(runbooksDir), lookup);
  const found: DrillScenario[] = [];
  for (const loaded of scenarios) {
    // The loader checked the runbook against this same lookup, so it is there.
    const runbook = byId.get(loaded.scenario.runbook);
    if (!runbook) continue;
    const followUpRunbooks: DrillScenario['followUpRunbooks'] = {};
    for (const inject of loaded.scenario.injects) {
      const followUp = inject.twist ? byId.get(inject.twist.follow_up.runbook) : undefined;
      if (followUp) followUpRunbooks[followUp.runbook.id] = { runbook: followUp.runbook, sha256: followUp.sha256 };
    }
    // And what the runbook or a follow-up starts as child runs (startDrill picks what is reachable).
    for (const root of [runbook.runbook, ...Object.values(followUpRunbooks).map((entry) => entry.runbook)]) {
      for (const [id, entry] of reachableRunbooks(root, (wanted) => byId.get(wanted)).found) followUpRunbooks[id] = { runbook: entry.runbook, sha256: entry.sha256 };
    }
    found.push({ scenario: loaded.scenario, sha256: loaded.sha256, runbook, followUpRunbooks });
  }
  found.sort((a, b) => a.scenario.scenario.localeCompare(b.scenario.scenario));
  return { scenarios: found, broken: new Set(errors.map((error) => error.file)).size + catalogue.broken.length };
}
