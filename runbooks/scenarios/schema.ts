/**
 * The drill scenario language: what a tabletop exercise on one runbook says. A scenario names the
 * runbook and its inputs, who facilitates and who plays, the objectives the drill measures, and
 * timed injects (messages, provider faults, late or missing events, unavailable approvers,
 * twists that call for a follow-up run).
 *
 * Like the runbook DSL, this is the single source: types come from z.infer and the editor JSON
 * Schema (runbooks/drills/scenario.schema.json) is generated from it. Every object is strict.
 * What needs the runbook itself (step ids, targets, actions, events, inputs) is checked by
 * ./semantics.ts. Workflow-safe: zod and common/ only.
 */
import { z } from 'zod';
import { INJECT_KINDS, type InjectKind } from '../../common/drill-state';
import { parseDuration } from '../../common/duration';
import { LIMITS, describeLimit, limitMessage } from '../../common/limits';
import { IDENTITY_SURFACES } from '../../common/identity';
import { shownTextProblem } from '../../common/text-safety';
import { ActionName, Duration, KebabId } from '../schema';


/**
 * A duration no longer than a drill may last. Drills run in one sitting, so a day bounds every
 * offset and aim; a longer value is a typo (`30d` for `30m`) more often than a plan.
 */
export const DrillDuration = Duration.superRefine((value, ctx) => {
  const parsed = parseDuration(value);
  if (parsed.ok && parsed.ms > LIMITS.drillLength.value) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is longer than a drill may last: at most ${describeLimit('drillLength')}` });
  }
});

/** Text shown to players and facilitators (Slack, terminal): visible characters, line breaks allowed. */
const ShownText = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    const problem = shownTextProblem(text, 'textLength', { allowLineBreaks: true });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const GroupName = z.string().min(1);

const IDENTITY = new RegExp(`^(?:${IDENTITY_SURFACES.join('|')}):\\S+$`);

/** Inputs as `quell start` takes them; checked against the runbook's declarations by semantics.ts. */
const RunInputs = z.record(z.string(), z.unknown());

export const Participants = z.strictObject({
  facilitators: z.array(GroupName).min(1),
  players: z.array(GroupName).min(1),
});

/** The runbook targets an objective may be measured against (runbooks/schema.ts `targets`). */
export const TARGET_NAMES = ['contain_within', 'resolve_within'] as const;

export const Objective = z
  .strictObject({
    id: KebabId('objective id'),
    description: ShownText,
    steps: z.array(KebabId('step id')).min(1),
    target: z.enum(TARGET_NAMES).optional(),
    within: DrillDuration.optional(),
  })
  .superRefine((objective, ctx) => {
    // One aim per objective: a score needs a single yardstick to be met or missed.
    if ((objective.target === undefined) === (objective.within === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'an objective needs exactly one aim: target (one of the runbook\'s targets) or within (a duration from launch)' });
    }
  });

export const FaultInject = z.strictObject({
  action: ActionName,
  fail: z.int().min(1).max(10),
});

export const EventInject = z
  .strictObject({
    name: KebabId('event name'),
    delay: DrillDuration.optional(),
    never: z.literal(true).optional(),
  })
  .superRefine((event, ctx) => {
    if ((event.delay === undefined) === (event.never === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'event needs exactly one of: delay (it arrives late) or never: true (it never arrives)' });
    }
  });

export const UnavailableInject = z
  .strictObject({
    person: z.string().regex(IDENTITY, { message: `must be an identity like slack:U0ALICE (surfaces: ${IDENTITY_SURFACES.join(', ')})` }).optional(),
    group: GroupName.optional(),
  })
  .superRefine((unavailable, ctx) => {
    if ((unavailable.person === undefined) === (unavailable.group === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'unavailable needs exactly one of: person (an identity like slack:U0ALICE) or group (an approver group)' });
    }
  });

export const FollowUp = z.strictObject({
  runbook: KebabId('runbook id'),
  inputs: RunInputs.default({}),
});

export const TwistInject = z.strictObject({
  message: ShownText,
  follow_up: FollowUp,
});

export { INJECT_KINDS, type InjectKind };

/**
 * One object with every kind optional, rather than a union: a mistake inside a kind is then
 * reported against that kind (a union reports whichever variant failed least), and an unknown
 * key gets a "did you mean" over all the keys an inject may have.
 */
export const Inject = z
  .strictObject({
    id: KebabId('inject id'),
    at: DrillDuration,
    title: ShownText.optional(),
    message: ShownText.optional(),
    fault: FaultInject.optional(),
    event: EventInject.optional(),
    unavailable: UnavailableInject.optional(),
    twist: TwistInject.optional(),
  })
  .superRefine((inject, ctx) => {
    const kinds = INJECT_KINDS.filter((kind) => inject[kind] !== undefined);
    if (kinds.length !== 1) {
      const found = kinds.length === 0 ? 'none' : kinds.join(' and ');
      ctx.addIssue({ code: 'custom', path: [], message: `an inject needs exactly one of: ${INJECT_KINDS.join(', ')}; found ${found}` });
    }
  });

export const ScenarioSchema = z.strictObject({
  scenario: KebabId('scenario id'),
  version: z.int().min(1),
  title: ShownText,
  description: ShownText.optional(),
  runbook: KebabId('runbook id'),
  /** Planned length of the exercise; inject offsets must fall within it. */
  duration: DrillDuration.optional(),
  inputs: RunInputs.default({}),
  participants: Participants,
  objectives: z.array(Objective).min(1),
  injects: z.array(Inject).max(LIMITS.drillInjects.value, { message: `too many injects: ${limitMessage('drillInjects')}` }).default([]),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioObjective = z.infer<typeof Objective>;
export type ScenarioInject = z.infer<typeof Inject>;

/** The kind of a schema-valid inject (exactly one kind key is present). */
export function injectKind(inject: ScenarioInject): InjectKind {
  const kind = INJECT_KINDS.find((candidate) => inject[candidate] !== undefined);
  if (kind === undefined) throw new Error(`inject ${inject.id} has no kind`);
  return kind;
}
