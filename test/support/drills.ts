/** Loads the drill fixtures (test/fixtures/drills/runbooks) through the real loaders. */
import fs from 'node:fs';
import path from 'node:path';
import { formatRunbookError } from '../../runbooks/load';
import { loadScenarioFile } from '../../runbooks/scenarios/load';
import type { Scenario } from '../../runbooks/scenarios/schema';
import type { Runbook } from '../../runbooks/schema';
import { loadTestRunbook, REPO } from './runbooks';

/** The approvers file the drill tests share: alice and bob play, lee facilitates, rita starts drills. */
export const DRILL_APPROVERS = `
version: 1
people:
  rita:  { cli: rita }
  alice: { cli: alice }
  bob:   { cli: bob }
  lee:   { cli: lee }
groups:
  security-oncall: { people: [alice, bob] }
  security-leads:  { people: [lee] }
`;
export const DRILL_FACILITATOR = 'lee';

export const DRILL_RUNBOOKS_DIR = path.join(REPO, 'test', 'fixtures', 'drills', 'runbooks');

export interface TestDrill {
  scenario: Scenario;
  scenarioSha256: string;
  runbook: Runbook;
  runbookSha256: string;
  /** Every runbook of the fixture folder, for twists' follow-ups. */
  followUpRunbooks: Record<string, { runbook: Runbook; sha256: string }>;
}

export async function loadTestDrill(name: string): Promise<TestDrill> {
  const all: TestDrill['followUpRunbooks'] = {};
  for (const file of fs.readdirSync(DRILL_RUNBOOKS_DIR).filter((entry) => entry.endsWith('.yaml'))) {
    const loaded = await loadTestRunbook(path.join(DRILL_RUNBOOKS_DIR, file));
    all[loaded.runbook.id] = { runbook: loaded.runbook, sha256: loaded.sha256 };
  }
  const own = all[name];
  if (!own) throw new Error(`no fixture runbook ${name} in ${DRILL_RUNBOOKS_DIR}`);
  const loaded = loadScenarioFile(path.join(DRILL_RUNBOOKS_DIR, 'drills', `${name}.drill.yaml`), new Map(Object.entries(all).map(([id, entry]) => [id, entry.runbook])));
  if (!loaded.ok) throw new Error(loaded.errors.map(formatRunbookError).join('\n'));
  return { scenario: loaded.scenario, scenarioSha256: loaded.sha256, runbook: own.runbook, runbookSha256: own.sha256, followUpRunbooks: all };
}
