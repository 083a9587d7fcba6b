/**
 * The contract between the messages Quell posts (slack/blocks/) and the listeners that handle
 * clicks and modal submissions (slack/listeners/): action ids, view callback ids and the shape of
 * the JSON carried in button values. The builders write these; slack/interaction-values.ts parses
 * them back with the run's own reference rules, so a value that does not match (an old message,
 * a forged payload) is refused with a clear reply. Only shapes here: checking needs those rules,
 * which this leaf may not import.
 */

export const ActionId = {
  approve: 'quell.approve',
  reject: 'quell.reject',
  deliverEvent: 'quell.event',
  completeManual: 'quell.manual_done',
  /** A decision's option buttons: `quell.answer.<option id>` (ids must differ within a block). */
  answer: 'quell.answer',
} as const;

export const CallbackId = {
  startRun: 'quell.start',
  rejectReason: 'quell.reject_reason',
  cancelReason: 'quell.cancel_reason',
  decisionForm: 'quell.decision_form',
  /** The form of a wait's or a task's declared `outputs`. */
  outputsForm: 'quell.outputs_form',
} as const;

/** Button value of Approve / Reject: the run (w), the gate (s) and the hash of the summary shown (h). */
export interface ApprovalButtonValue {
  w: string;
  s: string;
  h: string;
}

/**
 * Button value of an event button ("Vendor confirmed deletion"): run, step and event name (e),
 * and f: 1 when the wait declares outputs, so the click opens their form.
 */
export interface EventButtonValue {
  w: string;
  s: string;
  e: string;
  f?: 1;
}

/** Button value of a manual task's "Done": run and step, and f: 1 when the task declares outputs (a form). */
export interface ManualButtonValue {
  w: string;
  s: string;
  f?: 1;
}

/**
 * Button value of a decision's option: the run (w), the decision (s), the option (o), the hash of
 * the question shown (h), and f: 1 when answering opens the decision's form.
 */
export interface DecisionButtonValue {
  w: string;
  s: string;
  o: string;
  h: string;
  f?: 1;
}
