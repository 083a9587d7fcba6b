/**
 * Parses `/quell drill plan …`: add an item to a drill's improvement plan (finding, corrective
 * action, owner, due date, optionally the objective it is about) or list the plan. Pure. Each
 * field is checked with the rule the plan's workflow applies to it (identity, free text, due
 * date), so the reply names the keyword that was wrong before anything is sent.
 */
import { referenceProblem, freeTextProblem } from '../client/request-rules';
import { identityProblem } from '../common/identity';
import { closestMatch } from '../common/suggest';
import { dueDateProblem } from '../reports/drill/debrief-record';
import { clip, drillIdProblem, readKeywords, splitWords, type KeywordRule, type UsageReply } from './drill-words';

export const PLAN_OPS = ['add', 'list'] as const;
export type PlanOp = (typeof PLAN_OPS)[number];

/** One item as typed: the fields of the plan's PlanItemRequest, less who adds it. */
export interface PlanItemFields {
  finding: string;
  action: string;
  owner: string;
  due: string;
  objectiveId?: string;
}

export type DrillPlanCommand = { kind: 'plan'; op: 'add'; drillId: string; item: PlanItemFields } | { kind: 'plan'; op: 'list'; drillId: string };

export const PLAN_USAGE: Record<PlanOp, string> = {
  add: '/quell drill plan add <drill id> finding "<text>" action "<text>" owner <who> due <YYYY-MM-DD> [objective <id>]',
  list: '/quell drill plan list <drill id>',
};

const ITEM_KEYWORDS: Record<string, KeywordRule> = {
  finding: { shape: 'word', hint: 'what the drill showed, in quotes: finding "Nobody owned the vendor call"' },
  action: { shape: 'word', hint: 'the corrective action, in quotes: action "Name a vendor liaison in the runbook"' },
  owner: { shape: 'word', hint: 'who will do it: owner sec-team (in quotes if it has spaces)' },
  due: { shape: 'word', hint: 'by when, as YYYY-MM-DD: due 2030-01-31' },
  objective: { shape: 'word', hint: 'the scenario objective the finding is about: objective contain-in-time' },
};
const REQUIRED = ['finding', 'action', 'owner', 'due'] as const;

/** `text` is everything after the word `plan`, spacing kept. */
export function parsePlanCommand(text: string): DrillPlanCommand | UsageReply {
  const words = splitWords(text);
  if (words.length === 0) return usage('add or list? The improvement plan takes items after a drill', 'add');
  const op = words[0].quoted ? words[0].text : words[0].text.toLowerCase();
  if (op !== 'add' && op !== 'list') {
    const suggestion = closestMatch(op, PLAN_OPS) as PlanOp | undefined;
    return usage(`"${clip(words[0].text)}" is not a plan command: add or list${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, suggestion ?? 'add');
  }
  const drillWord = words[1];
  const problem = drillIdProblem(drillWord?.quoted ? `"${drillWord.text}"` : drillWord?.text);
  if (problem) return usage(problem, op);
  const drillId = drillWord.text;
  if (op === 'list') {
    return words.length > 2 ? usage(`list takes one argument, the drill id; found ${words.length - 1} words`, op) : { kind: 'plan', op, drillId };
  }
  const read = readKeywords(text, words.slice(2), ITEM_KEYWORDS);
  if ('problem' in read) return usage(read.problem, op);
  const values = read.values;
  const missing = REQUIRED.filter((key) => values[key] === undefined || values[key].trim() === '');
  if (missing.length > 0) return usage(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: ${ITEM_KEYWORDS[missing[0]].hint}`, op);
  const item: PlanItemFields = { finding: values.finding!.trim(), action: values.action!.trim(), owner: values.owner!.trim(), due: values.due!.trim() };
  const fieldProblem =
    textProblem('finding', item.finding) ??
    textProblem('action', item.action) ??
    prefixed('owner', identityProblem(item.owner)) ??
    prefixed('due', dueDateProblem(item.due)) ??
    (values.objective === undefined ? undefined : prefixed('objective', referenceProblem(values.objective)));
  if (fieldProblem) return usage(fieldProblem, op);
  return { kind: 'plan', op, drillId, item: { ...item, ...(values.objective !== undefined ? { objectiveId: values.objective.trim() } : {}) } };
}

function textProblem(key: string, text: string): string | undefined {
  return prefixed(key, freeTextProblem(text));
}

function prefixed(key: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${key} ${problem}`;
}

function usage(problem: string, op: PlanOp): UsageReply {
  return { kind: 'usage', problem, usage: PLAN_USAGE[op] };
}
