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
} as const;

export const CallbackId = {
  startRun: 'quell.start',
  rejectReason: 'quell.reject_reason',
  cancelReason: 'quell.cancel_reason',
} as const;

/** Button value of Approve / Reject: the run (w), the gate (s) and the hash of the summary shown (h). */
export interface ApprovalButtonValue {
  w: string;
  s: string;
  h: string;
}

/** Button value of an event button ("Vendor confirmed deletion"): run, step and event name (e). */
export interface EventButtonValue {
  w: string;
  s: string;
  e: string;
}

/** Button value of a manual task's "Done": run and step. */
export interface ManualButtonValue {
  w: string;
  s: string;
}
