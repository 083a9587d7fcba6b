/**
 * Checks of a schema-valid scenario against the runbooks it names: the runbook exists, its inputs
 * are what `quell start` would accept, objectives name real steps and targets the runbook sets,
 * injects fit in the drill and refer to actions, events and groups the runbook really has, and a
 * twist's follow-up run could be started. Ids are unique.
 *
 * Returns problems with document paths; ./load.ts turns them into file:line:col.
 * Workflow-safe: pure functions.
 */
import { durationMs } from '../../common/duration';
import { LIMITS, describeLimit } from '../../common/limits';
import { didYouMean } from '../../common/suggest';
import type { DocumentPath, DocumentProblem } from '../../config/yaml/explain-issues';
import { formatInputProblems, validateRunInputs } from '../inputs';
import type { Runbook } from '../schema';
import { runbookFacts, type RunbookFacts } from './runbook-facts';
import type { Scenario, ScenarioInject } from './schema';

/** The runbooks a scenario may name, by id. */
export type RunbookLookup = ReadonlyMap<string, Runbook>;

const listed = (values: readonly string[]): string => (values.length > 0 ? values.join(', ') : 'none');

function duplicateIds(items: ReadonlyArray<{ id: string }>, listKey: string, what: string): DocumentProblem[] {
  const first = new Map<string, number>();
  const problems: DocumentProblem[] = [];
  items.forEach((item, index) => {
    const earlier = first.get(item.id);
    if (earlier === undefined) first.set(item.id, index);
    else problems.push({ path: [listKey, index, 'id'], message: `duplicate ${what} id "${item.id}": ${what} ids must be unique in a scenario`, seeAlso: { note: 'first used', path: [listKey, earlier, 'id'] } });
  });
  return problems;
}

/** The runbook named at `path`, or a problem saying which runbooks exist. */
function findRunbook(id: string, runbooks: RunbookLookup, path: DocumentPath): Runbook | DocumentProblem {
  const runbook = runbooks.get(id);
  if (runbook) return runbook;
  const known = [...runbooks.keys()].sort();
  return { path, message: `no runbook "${id}" in the runbooks folder${didYouMean(id, known)}; known runbooks: ${listed(known)}` };
}

/**
 * Inputs checked exactly as `quell start` checks them. A problem with a given input points at
 * it; a missing one points at the inputs mapping (or at `fallback` when there is none).
 */
function inputProblems(runbook: Runbook, given: Record<string, unknown>, base: DocumentPath, fallback: DocumentPath): DocumentProblem[] {
  const validation = validateRunInputs(runbook, given);
  if (validation.ok) return [];
  const anyGiven = Object.keys(given).length > 0;
  return validation.problems.map((problem) => {
    const givenHere = problem.input !== undefined && Object.hasOwn(given, problem.input);
    const path = givenHere ? [...base, problem.input as string] : anyGiven ? base : fallback;
    const text = formatInputProblems([problem]);
    // Say whose inputs these are unless the message already does (a follow-up may name another runbook).
    return { path, message: text.includes(`runbook ${runbook.id}`) ? text : `${text} (inputs of runbook ${runbook.id})` };
  });
}

function objectiveProblems(scenario: Scenario, runbook: Runbook, facts: RunbookFacts): DocumentProblem[] {
  return scenario.objectives.flatMap((objective, index): DocumentProblem[] => {
    const base: DocumentPath = ['objectives', index];
    const problems: DocumentProblem[] = objective.steps.flatMap((step, stepIndex) =>
      facts.stepIds.includes(step) ? [] : [{ path: [...base, 'steps', stepIndex], message: `runbook ${runbook.id} has no step "${step}"${didYouMean(step, facts.stepIds)}; its steps: ${listed(facts.stepIds)}` }],
    );
    if (objective.target !== undefined && !facts.targets.includes(objective.target)) {
      problems.push({ path: [...base, 'target'], message: `runbook ${runbook.id} sets no target ${objective.target}; it sets: ${listed(facts.targets)} (or measure with within: <duration>)` });
    }
    return problems;
  });
}

/** How long the drill may run: its own `duration`, else the longest any drill may last. */
function drillBound(scenario: Scenario): { ms: number; text: string } {
  if (scenario.duration !== undefined) return { ms: durationMs(scenario.duration), text: `the scenario's duration (${scenario.duration})` };
  return { ms: LIMITS.drillLength.value, text: `${describeLimit('drillLength')}, the longest a drill may last (set duration: to plan a shorter one)` };
}

function injectProblems(inject: ScenarioInject, base: DocumentPath, runbook: Runbook, facts: RunbookFacts, runbooks: RunbookLookup): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  if (inject.fault && !facts.actions.includes(inject.fault.action)) {
    problems.push({ path: [...base, 'fault', 'action'], message: `runbook ${runbook.id} never calls ${inject.fault.action}, so this fault could not happen; its actions: ${listed(facts.actions)}` });
  }
  if (inject.event && !facts.events.includes(inject.event.name)) {
    const hint = didYouMean(inject.event.name, facts.events);
    problems.push({ path: [...base, 'event', 'name'], message: `runbook ${runbook.id} waits for no event "${inject.event.name}"${hint}; it waits for: ${listed(facts.events)}` });
  }
  const group = inject.unavailable?.group;
  if (group !== undefined && !facts.approverGroups.includes(group)) {
    problems.push({ path: [...base, 'unavailable', 'group'], message: `no approval gate of runbook ${runbook.id} names the group "${group}"${didYouMean(group, facts.approverGroups)}; its gates name: ${listed(facts.approverGroups)}` });
  }
  if (inject.twist) {
    const followUpPath = [...base, 'twist', 'follow_up'];
    const followUp = findRunbook(inject.twist.follow_up.runbook, runbooks, [...followUpPath, 'runbook']);
    if ('steps' in followUp) problems.push(...inputProblems(followUp, inject.twist.follow_up.inputs, [...followUpPath, 'inputs'], [...followUpPath, 'runbook']));
    else problems.push(followUp);
  }
  return problems;
}

/**
 * Checks a schema-valid scenario as a whole against `runbooks`. Returns every problem found
 * (empty when the scenario is sound). A missing runbook stops the checks that need it.
 */
export function checkScenarioSemantics(scenario: Scenario, runbooks: RunbookLookup): DocumentProblem[] {
  const problems: DocumentProblem[] = [...duplicateIds(scenario.objectives, 'objectives', 'objective'), ...duplicateIds(scenario.injects, 'injects', 'inject')];
  const bound = drillBound(scenario);
  scenario.injects.forEach((inject, index) => {
    if (durationMs(inject.at) > bound.ms) problems.push({ path: ['injects', index, 'at'], message: `inject at ${inject.at} falls after the end of the drill: offsets may be at most ${bound.text}` });
  });
  const runbook = findRunbook(scenario.runbook, runbooks, ['runbook']);
  if (!('steps' in runbook)) return [...problems, runbook];
  const facts = runbookFacts(runbook);
  problems.push(...inputProblems(runbook, scenario.inputs, ['inputs'], ['runbook']));
  problems.push(...objectiveProblems(scenario, runbook, facts));
  scenario.injects.forEach((inject, index) => problems.push(...injectProblems(inject, ['injects', index], runbook, facts, runbooks)));
  return problems;
}
