/**
 * Loads runbook YAML into a validated {@link Runbook}, or into errors that say `file:line:col:
 * what is wrong and what is allowed`. The worker, the CLI linter and the tests all load through
 * here, so a runbook that lints is exactly a runbook that runs.
 *
 * Stages, each stopping the next when it fails: YAML syntax (and duplicate keys) → schema (zod) →
 * whole-document semantics (semantics.ts). Node-only (fs, crypto); never import from workflows.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { withArticle } from '../common/text';
import { didYouMean } from '../common/suggest';
import { describeValue, explainIssues, type DocumentPath, type DocumentProblem } from '../config/yaml/explain-issues';
import type { Locator } from '../config/yaml/locate';
import { parseYaml, sizeProblem } from '../config/yaml/parse-yaml';
import { errnoReason, readFileLimited } from '../config/yaml/read-file-limited';
import {
  ActionStep,
  ApprovalStep,
  ManualStep,
  ParallelStep,
  RunbookSchema,
  SleepStep,
  DecisionStep,
  EndStep,
  ForeachStep,
  ObserveStep,
  SubRunbookStep,
  SequenceStep,
  SeverityStep,
  WaitStep,
  type Runbook,
} from './schema';
import { STEP_KINDS, type StepKind } from './step-kind';
import { checkRunbookSemantics } from './semantics';
import { subRunbookProblems, subRunbookReferences } from './sub-runbooks';
import { locatedErrors, sha256, tidyErrors, yamlSyntaxMessage, type RunbookError } from './document-errors';

export { formatRunbookError, type RunbookError } from './document-errors';

/**
 * A validated runbook with the sha256 of exactly the bytes it came from (recorded with each run so
 * history shows what ran), or every error found in the file.
 */
export type LoadResult =
  | { ok: true; runbook: Runbook; sha256: string; file: string }
  | { ok: false; file: string; errors: RunbookError[] };

/** A successful {@link LoadResult}. */
export type LoadedRunbook = Extract<LoadResult, { ok: true }>;

/** `file:line:col: message`, the format editors and CI annotate from. */

// ---------------------------------------------------------------------------------------------
// Schema issues, with steps validated by their own kind

const STEP_SCHEMAS: Record<StepKind, z.ZodType> = {
  action: ActionStep,
  approval: ApprovalStep,
  parallel: ParallelStep,
  wait: WaitStep,
  manual: ManualStep,
  sleep: SleepStep,
  decision: DecisionStep,
  end: EndStep,
  foreach: ForeachStep,
  observe: ObserveStep,
  runbook: SubRunbookStep,
  sequence: SequenceStep,
  severity: SeverityStep,
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `n` when an issue path lies inside `<arrayKey>[n]` (a step, or a branch of a parallel step). */
function stepIndexOf(path: readonly PropertyKey[], arrayKey: string): number | undefined {
  return path.length >= 2 && path[0] === arrayKey && typeof path[1] === 'number' ? path[1] : undefined;
}

/**
 * Validates a step against the schema of the kind its keys declare. A zod union would report the
 * issues of whichever variant failed least, which for a typo in an action step can be "unknown
 * key action" from the wait variant; choosing by kind key reports what the author meant.
 */
function stepProblems(raw: unknown, path: DocumentPath, isBranch: boolean, inLoop = false): DocumentProblem[] {
  const kindList = STEP_KINDS.join(', ');
  if (!isRecord(raw)) {
    return [{ path, message: `a step must be a mapping with an id and one of: ${kindList}; got ${describeValue(raw)}` }];
  }
  const kinds = STEP_KINDS.filter((kind) => Object.hasOwn(raw, kind));
  if (kinds.length === 0) {
    const typo = Object.keys(raw)
      .map((key) => ({ key, hint: didYouMean(key, STEP_KINDS) }))
      .find((candidate) => candidate.hint !== '');
    const hint = typo ? `; unknown key "${typo.key}"${typo.hint}` : '';
    return [{ path, message: `step needs exactly one of: ${kindList}${hint}` }];
  }
  if (kinds.length > 1) {
    return [{
      path: [...path, kinds[1]],
      at: 'key',
      message: `step has conflicting kinds: ${kinds.map((kind) => `"${kind}"`).join(' and ')}; a step does exactly one of: ${kindList} (split it into separate steps)`,
    }];
  }
  const kind = kinds[0];
  if (isBranch && kind === 'parallel') {
    return [{ path: [...path, 'parallel'], at: 'key', message: 'parallel steps cannot be nested: a branch is one step of another kind, or a sequence of steps' }];
  }
  if (inLoop && (kind === 'parallel' || kind === 'wait' || kind === 'end' || kind === 'foreach' || kind === 'sequence')) {
    const why = { parallel: 'a loop runs its steps in order (use concurrency to work on items at once)', wait: 'one event would answer every item', end: 'ending the run from one item would cut the others off', foreach: 'loops cannot be nested', sequence: 'its steps already run in order' }[kind];
    return [{ path: [...path, kind], at: 'key', message: `a foreach cannot run ${withArticle(kind)} step: ${why}` }];
  }
  if (isBranch && kind === 'foreach') {
    return [{ path: [...path, 'foreach'], at: 'key', message: 'a foreach cannot be a branch of a parallel step: put it before or after the parallel step' }];
  }
  if (isBranch && kind === 'end') {
    return [{ path: [...path, 'end'], at: 'key', message: 'an end step cannot be a branch of a parallel step: the other branches would be cut off mid-way; put it after the parallel step' }];
  }
  const schema = STEP_SCHEMAS[kind];
  const result = schema.safeParse(raw);
  if (result.success) return [];
  const branchIssues = new Set<number>();
  const bodyIssues = new Set<number>();
  const problems: DocumentProblem[] = [];
  for (const issue of result.error.issues) {
    const branch = stepIndexOf(issue.path, 'parallel');
    const body = issue.path[0] === 'foreach' ? stepIndexOf(issue.path.slice(1), 'steps') : undefined;
    if (branch !== undefined) branchIssues.add(branch);
    else if (body !== undefined) bodyIssues.add(body);
    else problems.push(...explainIssues([issue], raw, schema, path));
  }
  const branches = Array.isArray(raw.parallel) ? raw.parallel : [];
  for (const index of branchIssues) problems.push(...stepProblems(branches[index], [...path, 'parallel', index], true));
  const loop = isRecord(raw.foreach) && Array.isArray(raw.foreach.steps) ? raw.foreach.steps : [];
  for (const index of bodyIssues) problems.push(...stepProblems(loop[index], [...path, 'foreach', 'steps', index], false, true));
  return problems;
}

function schemaProblems(raw: unknown): { runbook: Runbook } | { problems: DocumentProblem[] } {
  if (!isRecord(raw)) {
    return { problems: [{ path: [], message: 'a runbook must be a YAML mapping with at least: id, version, title, severity, steps' }] };
  }
  const result = RunbookSchema.safeParse(raw);
  if (result.success) return { runbook: result.data };
  const stepsWithIssues = new Set<number>();
  const problems: DocumentProblem[] = [];
  for (const issue of result.error.issues) {
    const step = stepIndexOf(issue.path, 'steps');
    if (step !== undefined) stepsWithIssues.add(step);
    else problems.push(...explainIssues([issue], raw, RunbookSchema));
  }
  const steps = Array.isArray(raw.steps) ? raw.steps : [];
  for (const index of stepsWithIssues) problems.push(...stepProblems(steps[index], ['steps', index], false));
  // A refusal must always say why: if choosing by kind found nothing, report what the schema said.
  if (problems.length === 0) problems.push(...explainIssues(result.error.issues, raw, RunbookSchema));
  return { problems };
}


/** A load result plus, when the text parsed as YAML, the locator for further positions. */
interface Loaded {
  result: LoadResult;
  locator?: Locator;
}

/** Text already within the size limit (a file read through readFileLimited, or checked text). */
function loadParsed(text: string, file: string, digest: string): Loaded {
  const parsed = parseYaml(text, { explain: yamlSyntaxMessage('runbook') });
  const { locator } = parsed;
  const fail = (errors: RunbookError[]): Loaded => ({ result: { ok: false, file, errors: tidyErrors(errors) }, locator });
  if (!parsed.ok) return fail(parsed.problems.map((problem) => ({ file, ...problem })));
  const schema = schemaProblems(parsed.raw);
  if ('problems' in schema) return fail(locatedErrors(schema.problems, parsed.locator, file));
  const semantic = checkRunbookSemantics(schema.runbook);
  if (semantic.length > 0) return fail(locatedErrors(semantic, parsed.locator, file));
  return { result: { ok: true, runbook: schema.runbook, sha256: digest, file }, locator };
}

/**
 * Validates runbook YAML text. `fileName` is only used in errors. `sha256` is over the UTF-8
 * bytes of `text`. Never throws for bad input: every problem is in `errors`.
 */
export function loadRunbookText(text: string, fileName: string): LoadResult {
  const tooLarge = sizeProblem(Buffer.byteLength(text, 'utf8'), 'runbookFileBytes');
  if (tooLarge) return { ok: false, file: fileName, errors: [{ file: fileName, ...tooLarge }] };
  return loadParsed(text, fileName, sha256(text)).result;
}

function readFailure(file: string, reason: string): RunbookError {
  return { file, line: 1, col: 1, message: `cannot read runbook: ${reason}` };
}

async function loadFile(file: string): Promise<Loaded> {
  const read = readFileLimited(file, 'runbookFileBytes');
  if (!read.ok) return { result: { ok: false, file, errors: [readFailure(file, read.reason)] } };
  return loadParsed(read.bytes.toString('utf8'), file, sha256(read.bytes));
}

/** Reads and validates one runbook file; `sha256` is over the file's bytes (hex). */
export async function loadRunbookFile(path: string): Promise<LoadResult> {
  return (await loadFile(path)).result;
}

const RUNBOOK_FILE = /\.ya?ml$/;

async function runbookFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && RUNBOOK_FILE.test(entry.name))
    .map((entry) => join(dir, entry.name))
    .sort();
}

/** Loads files and flags runbook ids used by more than one of them (the first file keeps it). */
async function loadMany(files: string[]): Promise<{ runbooks: LoadedRunbook[]; errors: RunbookError[]; locators: Map<string, Locator> }> {
  const runbooks: LoadedRunbook[] = [];
  const errors: RunbookError[] = [];
  const owners = new Map<string, string>();
  const locators = new Map<string, Locator>();
  for (const file of files) {
    const { result, locator } = await loadFile(file);
    if (locator) locators.set(file, locator);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    const owner = owners.get(result.runbook.id);
    if (owner !== undefined) {
      const at = locator?.locate(['id']) ?? { line: 1, col: 1 };
      errors.push({ file, ...at, message: `runbook id "${result.runbook.id}" is already used by ${owner}; runbook ids must be unique` });
      continue;
    }
    owners.set(result.runbook.id, file);
    runbooks.push(result);
  }
  return { runbooks, errors: tidyErrors(errors), locators };
}

/**
 * What the linted runbooks' `runbook:` steps name: runbooks linted together, else runbooks in the
 * same folders (where a run of them would find its children).
 */
async function subRunbookErrors(loaded: LoadedRunbook[], locators: Map<string, Locator>): Promise<RunbookError[]> {
  const referring = loaded.filter((entry) => subRunbookReferences(entry.runbook).length > 0);
  if (referring.length === 0) return [];
  const known = new Map<string, Runbook>();
  for (const dir of new Set(referring.map((entry) => dirname(entry.file)))) {
    for (const sibling of (await loadMany(await runbookFilesIn(dir))).runbooks) known.set(sibling.runbook.id, sibling.runbook);
  }
  for (const entry of loaded) known.set(entry.runbook.id, entry.runbook);
  return referring.flatMap((entry) => {
    const locator = locators.get(entry.file);
    const problems = subRunbookProblems(entry.runbook, known);
    return locator ? locatedErrors(problems, locator, entry.file) : [];
  });
}

/**
 * Loads every `*.yaml` / `*.yml` runbook directly in `dir` (sorted by name). Files with errors and
 * later files reusing a runbook id are left out of `runbooks` and reported in `errors`.
 */
export async function loadRunbookDirectory(dir: string): Promise<{ runbooks: LoadedRunbook[]; errors: RunbookError[] }> {
  return loadMany(await runbookFilesIn(dir));
}

/**
 * Lints runbook files for the CLI: each path is a file or a directory of runbooks. Reports all
 * errors (including runbook ids reused across the given files) and how many files were checked.
 */
export async function lintFiles(paths: string[]): Promise<{ errors: RunbookError[]; checked: number }> {
  const files: string[] = [];
  const unreadable: RunbookError[] = [];
  for (const path of paths) {
    try {
      if ((await stat(path)).isDirectory()) files.push(...(await runbookFilesIn(path)));
      else files.push(path);
    } catch (error) {
      unreadable.push(readFailure(path, errnoReason(error)));
    }
  }
  const { runbooks, errors, locators } = await loadMany(files);
  const crossRunbook = await subRunbookErrors(runbooks, locators);
  return { errors: tidyErrors([...unreadable, ...errors, ...crossRunbook]), checked: files.length + unreadable.length };
}
