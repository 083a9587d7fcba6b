/**
 * Loads drill scenario YAML into a validated {@link Scenario}, or into `file:line:col: message`
 * errors worded and placed exactly like runbook errors (same YAML guards, same explanations).
 *
 * Stages, each stopping the next when it fails: YAML syntax → schema (zod) → checks against the
 * runbooks the scenario names (semantics.ts). The runbooks are given by the caller: a scenario is
 * only as valid as the runbook folder it will be drilled against. Node-only (fs, crypto).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { explainIssues } from '../../config/yaml/explain-issues';
import type { Locator } from '../../config/yaml/locate';
import { parseYaml, sizeProblem } from '../../config/yaml/parse-yaml';
import { readFileLimited } from '../../config/yaml/read-file-limited';
import { locatedErrors, sha256, tidyErrors, yamlSyntaxMessage, type RunbookError } from '../document-errors';
import { ScenarioSchema, type Scenario } from './schema';
import { checkScenarioSemantics, type RunbookLookup } from './semantics';

/** How a scenario file is told apart from a runbook: its name ends in `.drill.yaml` (or `.drill.yml`). */
export const SCENARIO_FILE = /\.drill\.ya?ml$/;

/** The folder, inside a runbooks folder, that holds its drill scenarios. */
export const DRILLS_FOLDER = 'drills';

export type ScenarioLoadResult =
  | { ok: true; scenario: Scenario; sha256: string; file: string }
  | { ok: false; file: string; errors: RunbookError[] };



type Issue = z.core.$ZodIssue;

/**
 * Drops whole-object checks ("exactly one of ...") on objects that also have an unknown key:
 * the misspelt key ("mesage") is the mistake, and "found none" would only repeat it.
 */
function withoutFollowOnIssues(issues: readonly Issue[]): Issue[] {
  const withUnknownKeys = new Set(issues.filter((issue) => issue.code === 'unrecognized_keys').map((issue) => JSON.stringify(issue.path)));
  return issues.filter((issue) => issue.code !== 'custom' || !withUnknownKeys.has(JSON.stringify(issue.path)));
}

/** A load result plus, when the text parsed as YAML, the locator for further positions. */
interface Loaded {
  result: ScenarioLoadResult;
  locator?: Locator;
}

function loadParsed(text: string, file: string, digest: string, runbooks: RunbookLookup): Loaded {
  const parsed = parseYaml(text, { explain: yamlSyntaxMessage('scenario') });
  const { locator } = parsed;
  const fail = (errors: RunbookError[]): Loaded => ({ result: { ok: false, file, errors: tidyErrors(errors) }, locator });
  if (!parsed.ok) return fail(parsed.problems.map((problem) => ({ file, ...problem })));
  const raw = parsed.raw;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail([{ file, line: 1, col: 1, message: 'a scenario must be a YAML mapping with at least: scenario, version, title, runbook, participants, objectives' }]);
  }
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) return fail(locatedErrors(explainIssues(withoutFollowOnIssues(result.error.issues), raw, ScenarioSchema), parsed.locator, file));
  const semantic = checkScenarioSemantics(result.data, runbooks);
  if (semantic.length > 0) return fail(locatedErrors(semantic, parsed.locator, file));
  return { result: { ok: true, scenario: result.data, sha256: digest, file }, locator };
}

function loadFile(file: string, runbooks: RunbookLookup): Loaded {
  const read = readFileLimited(file, 'runbookFileBytes');
  if (!read.ok) return { result: { ok: false, file, errors: [{ file, line: 1, col: 1, message: `cannot read scenario: ${read.reason}` }] } };
  return loadParsed(read.bytes.toString('utf8'), file, sha256(read.bytes), runbooks);
}

/** Validates scenario YAML text against `runbooks`. `fileName` is only used in errors. Never throws. */
export function loadScenarioText(text: string, fileName: string, runbooks: RunbookLookup): ScenarioLoadResult {
  const tooLarge = sizeProblem(Buffer.byteLength(text, 'utf8'), 'runbookFileBytes');
  if (tooLarge) return { ok: false, file: fileName, errors: [{ file: fileName, ...tooLarge }] };
  return loadParsed(text, fileName, sha256(text), runbooks).result;
}

/** Reads and validates one scenario file against `runbooks`; `sha256` is over the file's bytes. */
export function loadScenarioFile(file: string, runbooks: RunbookLookup): ScenarioLoadResult {
  return loadFile(file, runbooks).result;
}

/** The scenario files in `<runbooksDir>/drills/` (sorted); none when that folder does not exist. */
export async function scenarioFilesIn(runbooksDir: string): Promise<string[]> {
  const dir = join(runbooksDir, DRILLS_FOLDER);
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isFile() && SCENARIO_FILE.test(entry.name)).map((entry) => join(dir, entry.name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Loads scenario files against `runbooks`, flagging scenario ids used by more than one file (the
 * first keeps it): a drill is started by scenario id, which must say which file is meant.
 */
export function loadScenarioFiles(files: string[], runbooks: RunbookLookup): { scenarios: Array<Extract<ScenarioLoadResult, { ok: true }>>; errors: RunbookError[] } {
  const scenarios: Array<Extract<ScenarioLoadResult, { ok: true }>> = [];
  const errors: RunbookError[] = [];
  const owners = new Map<string, string>();
  for (const file of files) {
    const { result, locator } = loadFile(file, runbooks);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    const owner = owners.get(result.scenario.scenario);
    if (owner !== undefined) {
      const at = locator?.locate(['scenario']) ?? { line: 1, col: 1 };
      errors.push({ file, ...at, message: `scenario id "${result.scenario.scenario}" is already used by ${owner}; scenario ids must be unique` });
      continue;
    }
    owners.set(result.scenario.scenario, file);
    scenarios.push(result);
  }
  return { scenarios, errors: tidyErrors(errors) };
}
