/**
 * What the activities need from the outside world, injected by the worker (or a test).
 */
import type { Logger } from 'pino';
import type { ActionName } from '../common/actions';
import type { ActionProvider, EffectJournal } from './ports';

export interface ActivityDeps {
  logger: Logger;
  /** Records every effect (tabletop or live) once per idempotency key; survives worker crashes. */
  effectJournal: EffectJournal;
  /** Live providers configured on this worker, by action name. Missing means "not configured". */
  liveProviders: Partial<Record<ActionName, ActionProvider>>;
  /** Extra latency for tabletop actions, in ms (drills feel real; tests widen the crash window). */
  tabletopLatencyMs?: number;
}
