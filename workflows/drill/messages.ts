/**
 * Every message a drill accepts: the facilitator's controls as Updates and the state query,
 * defined once for the workflow, the client and (later) Slack.
 *
 * The request checks are plain TypeScript (../request-checks.ts) for the reason ../messages.ts
 * gives: the sandbox loads this module again for every cached drill. The client applies the same
 * checks before sending, so a hostile value never travels; the workflow checks again.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { identityProblem } from '../../common/identity';
import type { DecisionSource } from '../../common/run-state';
import { freeTextProblem, referenceProblem } from '../messages';
import { accept, oneOfField, refuse, requestSchema, stringField, type Field } from '../request-checks';
import type { DrillInjectPlan, DrillNote, DrillState, FollowUpRun, InjectKind, InjectState } from '../../common/drill-state';

/** One short line naming someone (an identity's rules), trimmed; `missing` says what to give. */
export function identityField(missing: string): Field {
  return {
    check: stringField((name) => {
      const trimmed = name.trim();
      if (trimmed === '') return refuse(trimmed, 'too_small', missing);
      const problem = identityProblem(name);
      return problem ? refuse(name, 'custom', problem) : accept(trimmed);
    }),
  };
}

/** Free text that must say something (line breaks allowed), trimmed. */
export function requiredTextField(what: string): Field {
  return {
    check: stringField((text) => {
      const trimmed = text.trim();
      if (trimmed === '') return refuse(trimmed, 'too_small', `${what} is required`);
      const problem = freeTextProblem(trimmed);
      return problem ? refuse(text, 'custom', problem) : accept(trimmed);
    }),
  };
}

export const Actor = identityField('actor is required (who is doing this)');
export const Source: Field = { check: oneOfField(['cli', 'slack', 'api'] satisfies DecisionSource[]) };
const InjectId: Field = {
  check: stringField((text) => {
    const problem = referenceProblem(text);
    return problem ? refuse(text, 'custom', problem) : accept(text);
  }),
};
/** A note: free text that must say something. */
const RequiredText = requiredTextField('text');
const OptionalText: Field = {
  check: stringField((text) => {
    const problem = freeTextProblem(text);
    return problem ? refuse(text, 'custom', problem) : accept(text);
  }),
  optional: true,
};

/** Who steers, from where: pause, resume. */
export interface DrillControl {
  actor: string;
  via: DecisionSource;
}
export const DrillControl = requestSchema<DrillControl>({ actor: Actor, via: Source });

/** Fire or skip one inject. */
export interface InjectControl {
  injectId: string;
  actor: string;
  via: DecisionSource;
}
export const InjectControl = requestSchema<InjectControl>({ injectId: InjectId, actor: Actor, via: Source });

export interface DrillNoteRequest {
  text: string;
  actor: string;
  via: DecisionSource;
}
export const DrillNoteRequest = requestSchema<DrillNoteRequest>({ text: RequiredText, actor: Actor, via: Source });

export interface EndDrillRequest {
  actor: string;
  via: DecisionSource;
  reason?: string;
}
export const EndDrillRequest = requestSchema<EndDrillRequest>({ actor: Actor, via: Source, reason: OptionalText });

/** The drill as it stands: status, drill time, each inject, notes, the child run's id. */
export const drillStateQuery = defineQuery<DrillState>('drillState');

/** Stop the inject clock; injects wait, drill time stands still. */
export const pauseDrillUpdate = defineUpdate<DrillState, [DrillControl]>('pauseDrill');
/** Restart the inject clock where it stopped. */
export const resumeDrillUpdate = defineUpdate<DrillState, [DrillControl]>('resumeDrill');
/** Fire a pending inject now, whatever its offset. */
export const injectNowUpdate = defineUpdate<InjectState, [InjectControl]>('injectNow');
/** Never fire a pending inject. */
export const skipInjectUpdate = defineUpdate<InjectState, [InjectControl]>('skipInject');
/** Add a facilitator note to the drill's record. */
export const noteDrillUpdate = defineUpdate<DrillNote, [DrillNoteRequest]>('noteDrill');
/** End the drill; its run is cancelled if still running. */
export const endDrillUpdate = defineUpdate<DrillState, [EndDrillRequest]>('endDrill');

/** Start the follow-up run a fired twist calls for; linked to the drill, tabletop like it. */
export const startFollowUpUpdate = defineUpdate<FollowUpRun, [InjectControl]>('startFollowUp');

/** From the drill to its run when an inject fires: what the players meet (run-effects.ts). */
export interface DrillInjectSignal {
  injectId: string;
  kind: InjectKind;
  title?: string;
  message?: string;
  fault?: DrillInjectPlan['fault'];
  event?: DrillInjectPlan['event'];
  unavailable?: DrillInjectPlan['unavailable'];
  /** Drill time when it fired, in ms. */
  drillMs: number;
}
export const drillInjectSignal = defineSignal<[DrillInjectSignal]>('drillInject');

/** From the drill to its run: a late event arrives now. */
export interface DrillEventArrival {
  injectId: string;
  event: string;
  drillMs: number;
}
export const drillEventArrivesSignal = defineSignal<[DrillEventArrival]>('drillEventArrives');
