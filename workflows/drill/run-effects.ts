/**
 * What a drill's injects do inside its tabletop run. The drill signals the run when an inject
 * fires; the run then
 * - tells the players (every inject is a line in the run's audit trail, so its Slack thread and
 *   `quell status` show it),
 * - fails the first attempts of the next call of an action (fault),
 * - withholds an outside event until the drill delivers it late, or for good (event),
 * - refuses the decisions of a person or group for the rest of the drill (unavailable).
 *
 * Only a tabletop run started by a drill (`input.drill`) takes injects; any other run records the
 * signal as ignored and changes nothing. Signals cannot be refused, so the payload is checked here.
 *
 * Workflow-safe.
 */
import { setHandler } from '@temporalio/workflow';
import { identityKey, samePerson } from '../../common/identity';
import type { DecisionSource, GateMembershipState } from '../../common/run-state';
import type { EventDelivery } from '../messages';
import type { RunContext } from '../run-context';
import { drillEventArrivesSignal, drillInjectSignal, type DrillEventArrival, type DrillInjectSignal } from './messages';

interface DrillEffects {
  /** Action → the fault waiting for its next call. */
  faults: Map<string, { injectId: string; fail: number }>;
  /** Event → the inject holding it back (until it arrives late, or for good). */
  withheld: Map<string, { injectId: string; never: boolean }>;
  unavailable: Array<{ injectId: string; person?: string; group?: string }>;
}

const runEffects = new WeakMap<RunContext, DrillEffects>();

function effectsOf(ctx: RunContext): DrillEffects {
  let effects = runEffects.get(ctx);
  if (!effects) {
    effects = { faults: new Map(), withheld: new Map(), unavailable: [] };
    runEffects.set(ctx, effects);
  }
  return effects;
}

/**
 * Installs the handlers; called once at the start of every run (they ignore non-drill runs).
 * `deliver` is how the run takes an outside event (steps/wait.ts), passed in to keep imports one-way.
 */
export function acceptDrillInjects(ctx: RunContext, deliver: (delivery: EventDelivery) => unknown): void {
  setHandler(drillInjectSignal, (signal) => applyInject(ctx, signal));
  setHandler(drillEventArrivesSignal, (arrival) => deliverLateEvent(ctx, arrival, deliver));
}

function takesInjects(ctx: RunContext, what: string): boolean {
  if (ctx.input.mode === 'tabletop' && ctx.input.drill) return true;
  ctx.record('drill.inject-ignored', `${what}: only a drill's tabletop run takes injects`);
  return false;
}

function applyInject(ctx: RunContext, raw: unknown): void {
  const signal = checkedInject(raw);
  if (!signal) {
    ctx.record('drill.inject-ignored', 'a malformed inject was ignored');
    return;
  }
  if (!takesInjects(ctx, `inject ${signal.injectId}`)) return;
  const effects = effectsOf(ctx);
  const lead = signal.title ? `${signal.title}. ` : '';
  switch (signal.kind) {
    case 'message':
      ctx.record('drill.inject', `${signal.injectId}: ${signal.message ?? signal.title ?? ''}`);
      return;
    case 'fault': {
      const { action, fail } = signal.fault!;
      effects.faults.set(action, { injectId: signal.injectId, fail });
      ctx.record('drill.inject', `${signal.injectId}: ${lead}The next call of ${action} fails its first ${fail} attempt${fail === 1 ? '' : 's'}`);
      return;
    }
    case 'event': {
      const { name, never } = signal.event!;
      if (ctx.receivedEvents.has(name)) {
        ctx.record('drill.inject', `${signal.injectId}: ${lead}"${name}" had already arrived; nothing to hold back`);
        return;
      }
      effects.withheld.set(name, { injectId: signal.injectId, never: never === true });
      ctx.record('drill.inject', `${signal.injectId}: ${lead}${never ? `"${name}" will not arrive in this exercise` : `"${name}" is delayed`}`);
      return;
    }
    case 'unavailable': {
      const { person, group } = signal.unavailable!;
      effects.unavailable.push({ injectId: signal.injectId, ...(person ? { person } : {}), ...(group ? { group } : {}) });
      ctx.record('drill.inject', `${signal.injectId}: ${lead}${person ? person : `group ${group}`} is unavailable: their decisions are refused for the rest of the drill`);
      return;
    }
    case 'twist':
      // The facilitator decides whether the new picture calls for another run: say how to start it.
      ctx.record('drill.inject', `${signal.injectId}: ${signal.message ?? lead} (facilitator: start its follow-up run with /quell drill follow-up ${ctx.input.drill?.drillId} ${signal.injectId})`);
      return;
  }
}

function deliverLateEvent(ctx: RunContext, raw: unknown, deliver: (delivery: EventDelivery) => unknown): void {
  const arrival = raw as Partial<DrillEventArrival> | null;
  if (!arrival || typeof arrival.event !== 'string' || typeof arrival.injectId !== 'string') {
    ctx.record('drill.inject-ignored', 'a malformed event arrival was ignored');
    return;
  }
  if (!takesInjects(ctx, `late "${arrival.event}"`)) return;
  const held = effectsOf(ctx).withheld.get(arrival.event);
  if (!held || held.never || held.injectId !== arrival.injectId) {
    ctx.record('drill.inject-ignored', `late "${arrival.event}" from inject ${arrival.injectId} was not being held back`);
    return;
  }
  effectsOf(ctx).withheld.delete(arrival.event);
  if (ctx.state.status !== 'running' || !ctx.declaredEvents.has(arrival.event) || ctx.receivedEvents.has(arrival.event)) return;
  deliver({ event: arrival.event, actor: `drill:${arrival.injectId}`, via: 'api', payload: { late_by_inject: arrival.injectId } });
}

/** The fault for this call of `action`, consumed: the next call of the action takes all of it. */
export function takeDrillFault(ctx: RunContext, action: string): { injectId: string; failAttempts: number } | undefined {
  if (ctx.input.mode !== 'tabletop' || !ctx.input.drill) return undefined;
  const fault = runEffects.get(ctx)?.faults.get(action);
  if (!fault) return undefined;
  runEffects.get(ctx)!.faults.delete(action);
  return { injectId: fault.injectId, failAttempts: fault.fail };
}

/** Why a delivery of `event` is refused now (the drill holds it back), or undefined. */
export function withheldEventProblem(ctx: RunContext, event: string): string | undefined {
  const held = runEffects.get(ctx)?.withheld.get(event);
  if (!held) return undefined;
  return held.never
    ? `"${event}" never arrives in this exercise (drill inject ${held.injectId}); play on without it`
    : `"${event}" is delayed by the drill (inject ${held.injectId}); it arrives when the scenario says`;
}

/**
 * Why this person may not decide now because a drill made them (or a group they decide through)
 * unavailable, or undefined. `person` is who the approval policy says is deciding.
 */
export function unavailableProblem(ctx: RunContext, gate: GateMembershipState, request: { actor: string; via: DecisionSource }, person: string): string | undefined {
  const entries = runEffects.get(ctx)?.unavailable ?? [];
  for (const entry of entries) {
    if (entry.person && isPerson(entry.person, request, person, gate)) {
      return `${request.actor.trim()} is unavailable for this drill (inject ${entry.injectId}); someone else must decide, or the gate escalates`;
    }
  }
  const away = new Set(entries.flatMap((entry) => (entry.group ? [entry.group] : [])));
  if (away.size === 0 || !gate.eligible) return undefined;
  const groupsOfPerson = gate.approverGroups.filter((group) => (gate.eligible ?? []).some((eligible) => samePerson(eligible.person, person) && eligible.groups.includes(group)));
  if (groupsOfPerson.length > 0 && groupsOfPerson.every((group) => away.has(group))) {
    const injectIds = entries.filter((entry) => entry.group && groupsOfPerson.includes(entry.group)).map((entry) => entry.injectId);
    return `${request.actor.trim()} decides only as a member of ${groupsOfPerson.join(', ')}, unavailable for this drill (inject ${injectIds.join(', ')})`;
  }
  return undefined;
}

/** `slack:U0ALICE` names this decider: by the identity used, or by the person it maps to. */
function isPerson(identity: string, request: { actor: string; via: DecisionSource }, person: string, gate: GateMembershipState): boolean {
  const colon = identity.indexOf(':');
  const surface = identity.slice(0, colon);
  const id = identity.slice(colon + 1);
  if (identityKey(surface, id) === identityKey(request.via, request.actor)) return true;
  if (samePerson(id, person)) return true;
  return (gate.eligible ?? []).some((eligible) => samePerson(eligible.person, person) && eligible.identities.some((known) => samePerson(known, identity)));
}

/** Plain checks of a signal's payload (signals skip validators). */
function checkedInject(raw: unknown): DrillInjectSignal | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const signal = raw as DrillInjectSignal;
  if (typeof signal.injectId !== 'string' || typeof signal.kind !== 'string') return undefined;
  switch (signal.kind) {
    case 'message':
    case 'twist':
      return typeof signal.message === 'string' || typeof signal.title === 'string' ? signal : undefined;
    case 'fault':
      return typeof signal.fault?.action === 'string' && Number.isInteger(signal.fault.fail) && signal.fault.fail > 0 && signal.fault.fail <= 10 ? signal : undefined;
    case 'event':
      return typeof signal.event?.name === 'string' ? signal : undefined;
    case 'unavailable':
      return typeof signal.unavailable?.person === 'string' || typeof signal.unavailable?.group === 'string' ? signal : undefined;
    default:
      return undefined;
  }
}
