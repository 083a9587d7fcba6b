/**
 * What `quell lint` checks, and against what. Runbooks are any `*.yaml` / `*.yml`; drill
 * scenarios are files named `*.drill.yaml` (or `.drill.yml`). A folder brings its runbooks and the
 * scenarios in its `drills/` subfolder, and those scenarios are checked against that folder's
 * runbooks; a scenario named on its own (or lying directly in a folder given) is checked against
 * the configured runbooks folder, which is where a drill of it would find its runbook.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { lintFiles, loadRunbookDirectory, type RunbookError } from '../runbooks/load';
import type { Runbook } from '../runbooks/schema';
import { SCENARIO_FILE, loadScenarioFiles, scenarioFilesIn } from '../runbooks/scenarios/load';

export interface LintOutcome {
  errors: RunbookError[];
  runbooks: number;
  scenarios: number;
}

/** Scenario files grouped by the runbooks folder they are checked against. */
type ScenarioGroups = Map<string, string[]>;

const RUNBOOK_FILE = /\.ya?ml$/;

function addScenario(groups: ScenarioGroups, runbooksDir: string, file: string): void {
  groups.set(runbooksDir, [...(groups.get(runbooksDir) ?? []), file]);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    // Unreadable paths go to the runbook linter, which reports them as "cannot read".
    return false;
  }
}

async function runbookLookup(runbooksDir: string): Promise<Map<string, Runbook>> {
  try {
    const { runbooks } = await loadRunbookDirectory(runbooksDir);
    return new Map(runbooks.map((loaded) => [loaded.runbook.id, loaded.runbook]));
  } catch {
    // No readable folder: every scenario then reports its runbook as unknown.
    return new Map();
  }
}

/**
 * Lints runbook and scenario files. `configuredRunbooksDir` is asked for only when a scenario is
 * named on its own, so linting plain runbooks needs no configuration.
 */
export async function lintRunbooksAndScenarios(paths: string[], configuredRunbooksDir: () => string): Promise<LintOutcome> {
  const runbookFiles: string[] = [];
  const scenarios: ScenarioGroups = new Map();
  for (const path of paths) {
    if (await isDirectory(path)) {
      const entries = await readdir(path, { withFileTypes: true });
      for (const entry of entries.filter((candidate) => candidate.isFile()).sort((a, b) => a.name.localeCompare(b.name))) {
        if (SCENARIO_FILE.test(entry.name)) addScenario(scenarios, configuredRunbooksDir(), join(path, entry.name));
        else if (RUNBOOK_FILE.test(entry.name)) runbookFiles.push(join(path, entry.name));
      }
      for (const file of await scenarioFilesIn(path)) addScenario(scenarios, path, file);
    } else if (SCENARIO_FILE.test(path)) {
      addScenario(scenarios, configuredRunbooksDir(), path);
    } else {
      runbookFiles.push(path);
    }
  }
  const errors: RunbookError[] = [];
  let runbooks = 0;
  if (runbookFiles.length > 0) {
    const linted = await lintFiles(runbookFiles);
    errors.push(...linted.errors);
    runbooks = linted.checked;
  }
  let scenarioCount = 0;
  for (const [runbooksDir, files] of scenarios) {
    errors.push(...loadScenarioFiles(files, await runbookLookup(runbooksDir)).errors);
    scenarioCount += files.length;
  }
  return { errors, runbooks, scenarios: scenarioCount };
}

const counted = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** "3 runbooks", "4 scenarios", "3 runbooks and 4 scenarios": what was checked. */
export function describeChecked(outcome: LintOutcome): string {
  const parts = [outcome.runbooks > 0 || outcome.scenarios === 0 ? counted(outcome.runbooks, 'runbook') : '', outcome.scenarios > 0 ? counted(outcome.scenarios, 'scenario') : ''];
  return parts.filter(Boolean).join(' and ');
}
