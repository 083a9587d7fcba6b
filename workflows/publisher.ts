/**
 * The run's Slack presence, driven from inside the workflow: one root message in the incident
 * channel kept current, and a thread under it with the notable events (in order, each once), a
 * card per approval gate, decision, wait and manual task (updated as they move on, buttons removed
 * when they close), and a ping to the people an overdue approval or decision was escalated to.
 * Decisions and a run's outcome are shown only in runs that have them, under a patch
 * (./publisher-decision.ts), so older runs replay exactly as they ran.
 *
 * It is a coroutine beside the steps, never in their way: it waits for the run's change counter
 * to move, then does one publishing round with the latest state. Rounds are at least a second
 * apart (Slack allows about one update per second per message), so a burst of changes becomes
 * one update, and an unchanged view (compared by its JSON) sends nothing. While Slack throttles
 * or is down, the round's activity is retried by Temporal (after Retry-After for a 429) and the
 * next round simply sends the newest state: nothing is lost and nothing is sent out of order.
 *
 * It runs in a non-cancellable scope: a cancelled run must still show how it ended. A refused
 * token or a missing channel stops it (the run goes on without Slack, the audit trail says so).
 *
 * Workflow-safe.
 */
import { CancellationScope, condition, log, patched, proxyActivities, proxyLocalActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { QuellActivities } from '../activities';
import { ErrorType } from '../common/errors';
import type { CardContent, EventLineView, ThreadContent } from '../common/publisher-view';
import type { GateMembershipState, StepState } from '../common/run-state';
import type { Runbook, RunbookBranchStep, RunbookStep } from '../runbooks/schema';
import { SLACK_SURFACE, SLACK_SURFACE_LOOKUP } from './activity-options';
import { describeError } from './outcomes';
import { DECISION_CARD_EVENTS, DECISION_LINE_EVENTS, decisionCard, decisionEscalationGroups, decisionPing, runbookHasDecisions, SLACK_DECISIONS_PATCH } from './publisher-decision';
import { runShowsStructure, SLACK_STRUCTURE_PATCH } from './publisher-structure';
import { approvalCard, CARD_EVENTS, escalationGroups, escalationPing, escalationReady, eventLine, LINE_EVENTS, manualCard, rootView, waitCard } from './publisher-view';
import type { RunContext } from './run-context';
import { waitUntil } from './wait-until';

const { describeSlackSurface } = proxyLocalActivities<QuellActivities>(SLACK_SURFACE_LOOKUP);
const slack = proxyActivities<QuellActivities>(SLACK_SURFACE);

/** Minimum time between two publishing rounds (Slack: about one chat.update per second per message). */
export const ROUND_INTERVAL_MS = 1_000;
/** Event lines per thread message; a backlog after an outage goes out in a few messages, not one each. */
const LINES_PER_MESSAGE = 20;
/** How long an escalation ping waits for the widened membership before it goes out without it. */
const PING_GRACE_MS = 2 * 60_000;
/**
 * How long a finished run waits for its final state to reach Slack. Bounded so that a Slack
 * outage (or a revoked token being retried) cannot hold a finished run open forever; past it the
 * run closes and Slack keeps the last state it received.
 */
export const FINAL_FLUSH_LIMIT_MS = 15 * 60_000;

export interface SlackPublisher {
  /** Waits until Slack shows the run's current state (bounded by FINAL_FLUSH_LIMIT_MS). */
  flush(): Promise<void>;
}

/**
 * Asks the worker whether Slack is configured (once; the answer is recorded in the history) and,
 * if so, starts publishing. Returns undefined for a run without a Slack presence.
 */
export async function startSlackPublisher(ctx: RunContext): Promise<SlackPublisher | undefined> {
  // Asked before the surface lookup, beside the run's other patches: asked after the lookup (a
  // local activity) resolved, a replay under load failed to find the marker where it expected it.
  // Only runbooks with decisions or ends ask, so every other run records no marker.
  const decisions = runbookHasDecisions(ctx.input.runbook) && patched(SLACK_DECISIONS_PATCH);
  // Likewise only runs with loops, windows, child runs, severity steps or a parent ask this one.
  const structure = runShowsStructure(ctx.input) && patched(SLACK_STRUCTURE_PATCH);
  let surface: { channel: string } | null;
  try {
    surface = await CancellationScope.nonCancellable(() => describeSlackSurface());
  } catch (error) {
    log.warn('could not tell whether Slack is configured; the run has no Slack presence', { error: describeError(error).message });
    return undefined;
  }
  if (!surface) return undefined;
  ctx.surface.slack = { channel: surface.channel };
  const publisher = new Publisher(ctx, decisions, structure);
  // Not awaited: it runs beside the steps. run() handles every failure itself.
  void CancellationScope.nonCancellable(() => publisher.run());
  return publisher;
}

/** The outcome of one Slack activity the publisher could do without. */
type Attempted<T> = { ok: true; value: T } | { ok: false };

interface Card {
  ts: string;
  /** Fingerprint of what Slack shows. */
  shown: string;
}

class Publisher implements SlackPublisher {
  private readonly keyBase: string;
  private rootShown = '';
  private nextEvent = 0;
  private readonly cards = new Map<string, Card>();
  /** Escalated gates whose ping is not out yet, with when the escalation was noticed. */
  private readonly pendingPings = new Map<string, number>();
  private readonly pinged = new Set<string>();
  /** The change counter value the last finished round published. */
  private published = -1;
  private busy = true;
  private stopped = false;
  private lastRoundAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: RunContext,
    /** Whether this run shows decision cards, decision lines and its outcome (see ./publisher-decision.ts). */
    private readonly decisions: boolean,
    /** Whether its root message shows loops, windows, child runs, severity and the parent (see ./publisher-structure.ts). */
    private readonly structure: boolean,
  ) {
    const info = workflowInfo();
    this.keyBase = `${info.workflowId}/${info.firstExecutionRunId}/slack`;
  }

  async flush(): Promise<void> {
    const flushed = await CancellationScope.nonCancellable(() =>
      condition(() => this.stopped || (!this.busy && this.published === this.ctx.changes), FINAL_FLUSH_LIMIT_MS),
    );
    if (!flushed) log.warn('Slack did not take the final state in time; the run closes without it', { limitMs: FINAL_FLUSH_LIMIT_MS });
  }

  async run(): Promise<void> {
    try {
      const target = this.ctx.changes;
      const view = rootView(this.ctx.state, this.decisions, this.structure);
      const root = await slack.postSlackRoot({ key: `${this.keyBase}/root`, view });
      this.rootShown = JSON.stringify(view);
      this.ctx.state.slack = { channel: root.channel, ts: root.ts };
      this.lastRoundAt = Date.now();
      this.published = target;
      for (;;) {
        this.busy = false;
        await waitUntil(() => this.ctx.changes !== this.published, this.pendingPings.size > 0 ? PING_GRACE_MS : undefined);
        this.busy = true;
        const early = this.lastRoundAt + ROUND_INTERVAL_MS - Date.now();
        if (early > 0) await sleep(early, { summary: 'Slack: pace updates (one per second per message)' });
        this.lastRoundAt = Date.now();
        const round = this.ctx.changes;
        await this.round(root);
        this.published = round;
      }
    } catch (error) {
      this.stop(error);
    }
  }

  /** Brings Slack up to the current state: thread first (in event order), then cards, then the root. */
  private async round(root: { channel: string; ts: string }): Promise<void> {
    const { state } = this.ctx;
    const opened = new Set<string>();
    let lines: Array<{ index: number; line: EventLineView }> = [];
    while (this.nextEvent < state.events.length) {
      const index = this.nextEvent;
      const event = state.events[index];
      this.nextEvent = index + 1;
      const card = event.step ? (CARD_EVENTS[event.kind] ?? (this.decisions ? DECISION_CARD_EVENTS[event.kind] : undefined)) : undefined;
      if (card && event.step && !this.cards.has(event.step)) {
        await this.postLines(root, lines);
        lines = [];
        if (await this.openCard(root, event.step)) opened.add(event.step);
      } else if (LINE_EVENTS.has(event.kind) || (this.decisions && DECISION_LINE_EVENTS.has(event.kind))) {
        lines.push({ index, line: eventLine(event, state) });
        if (lines.length >= LINES_PER_MESSAGE) {
          await this.postLines(root, lines);
          lines = [];
        }
      }
    }
    await this.postLines(root, lines);
    await this.ping(root);

    for (const [stepId, card] of this.cards) {
      // A card posted in this round shows the state as of its post; the next round updates it,
      // keeping each message to at most one request per round.
      if (opened.has(stepId)) continue;
      const content = this.cardContent(stepId);
      const shown = content ? JSON.stringify(content) : card.shown;
      if (!content || shown === card.shown) continue;
      const done = await this.attempt(`update the ${content.kind} card of ${stepId}`, () =>
        slack.updateSlackThreadMessage({ channel: root.channel, ts: card.ts, mode: state.mode, content }),
      );
      // A card that cannot be updated (deleted in Slack) is left alone from now on.
      if (done.ok) card.shown = shown;
      else this.cards.delete(stepId);
    }

    const view = rootView(state, this.decisions, this.structure);
    const shown = JSON.stringify(view);
    if (shown !== this.rootShown) {
      await this.attempt('update the root message', () => slack.updateSlackRoot({ channel: root.channel, ts: root.ts, view }));
      // Marked shown either way: an update Slack refused for good would be refused again.
      this.rootShown = shown;
    }
  }

  private async postLines(root: { channel: string; ts: string }, lines: Array<{ index: number; line: EventLineView }>): Promise<void> {
    if (lines.length === 0) return;
    const key = `events/${lines[0].index}-${lines[lines.length - 1].index}`;
    await this.post(root, key, { kind: 'events', lines: lines.map((entry) => entry.line) });
  }

  private async openCard(root: { channel: string; ts: string }, stepId: string): Promise<boolean> {
    const content = this.cardContent(stepId);
    if (!content) return false;
    const posted = await this.post(root, `card/${stepId}`, content);
    if (posted.ok) this.cards.set(stepId, { ts: posted.value.ts, shown: JSON.stringify(content) });
    return posted.ok;
  }

  /**
   * Pings the people of the escalation groups once per escalated gate, when the widened
   * membership is known (or after a grace period without it). A gate that closed meanwhile needs
   * nobody any more.
   */
  private async ping(root: { channel: string; ts: string }): Promise<void> {
    const { state } = this.ctx;
    for (const step of state.steps) {
      if (this.gateOf(step)?.escalated && !this.pinged.has(step.id) && !this.pendingPings.has(step.id)) this.pendingPings.set(step.id, Date.now());
    }
    for (const [stepId, since] of this.pendingPings) {
      const step = this.ctx.step(stepId);
      const gate = this.gateOf(step);
      if (!gate || gate.outcome !== undefined || step.status !== 'waiting') {
        this.pendingPings.delete(stepId);
        this.pinged.add(stepId);
        continue;
      }
      if (!escalationReady(gate) && Date.now() - since < PING_GRACE_MS) continue;
      this.pendingPings.delete(stepId);
      this.pinged.add(stepId);
      const spec = stepSpec(this.ctx.input.runbook, stepId);
      const ping = step.approval
        ? escalationPing(state, step, step.approval, escalationGroups(step.approval, spec))
        : step.decision && decisionPing(state, step, step.decision, decisionEscalationGroups(step.decision, spec));
      if (ping) await this.post(root, `ping/${stepId}/escalation`, { kind: 'ping', ping });
    }
  }

  /** The human gate of a step this run pings for: an approval, or a decision when it shows decisions. */
  private gateOf(step: StepState): (GateMembershipState & { outcome?: string }) | undefined {
    return step.approval ?? (this.decisions ? step.decision : undefined);
  }

  private cardContent(stepId: string): CardContent | undefined {
    const { state } = this.ctx;
    const step = this.ctx.findStep(stepId);
    if (!step) return undefined;
    const spec = stepSpec(this.ctx.input.runbook, stepId);
    if (step.approval) return { kind: 'approval', card: approvalCard(state, step, step.approval, spec) };
    if (step.decision) return this.decisions ? { kind: 'decision', card: decisionCard(state, step, step.decision, spec) } : undefined;
    if (step.wait) {
      const card = waitCard(state, step, this.ctx.receivedEvents.get(step.wait.event));
      return card ? { kind: 'wait', card } : undefined;
    }
    const card = manualCard(state, step, spec);
    return card ? { kind: 'manual', card } : undefined;
  }

  private async post(root: { channel: string; ts: string }, key: string, content: ThreadContent): Promise<Attempted<{ ts: string }>> {
    return this.attempt(`post ${content.kind} in the thread`, () =>
      slack.postSlackThreadMessage({
        key: `${this.keyBase}/${key}`,
        channel: root.channel,
        threadTs: root.ts,
        workflowId: this.ctx.state.workflowId,
        mode: this.ctx.state.mode,
        content,
      }),
    );
  }

  /**
   * Runs one Slack activity. Retryable failures never get here (the profile retries without
   * limit). A refusal of one message (it was deleted, Slack refused its blocks) skips that
   * message; a refused token or a worker without Slack stops the publisher altogether.
   */
  private async attempt<T>(what: string, call: () => Promise<T>): Promise<Attempted<T>> {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      const { message, type } = describeError(error);
      if (type === ErrorType.AuthFailed || type === ErrorType.NotConfigured) throw error;
      log.warn(`Slack: could not ${what}; going on without it`, { error: message, type });
      return { ok: false };
    }
  }

  private stop(error: unknown): void {
    this.stopped = true;
    this.busy = false;
    // Steps that leave pings to the thread (escalations) fall back to their own notifications.
    delete this.ctx.surface.slack;
    const { message } = describeError(error);
    log.warn('Slack presence stopped; the run goes on without it', { error: message });
    this.ctx.record('slack.stopped', message);
  }
}

/** The runbook's definition of a step (top level or a parallel branch). */
function stepSpec(runbook: Runbook, stepId: string): RunbookStep | RunbookBranchStep | undefined {
  for (const step of runbook.steps) {
    if (step.id === stepId) return step;
    if ('parallel' in step) {
      const branch = step.parallel.find((candidate) => candidate.id === stepId);
      if (branch) return branch;
    }
  }
  return undefined;
}
