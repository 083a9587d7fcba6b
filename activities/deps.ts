/**
 * What the activities need from the outside world, injected by the worker (or a test).
 */
import type { Logger } from 'pino';
import type { ApproversSetup } from './approvers/resolve';
import type { LiveSetup } from './live/connector';
import type { SlackSurface } from './slack-surface';
import type { EffectJournal } from './ports';

export interface ActivityDeps {
  logger: Logger;
  /** Records every effect (tabletop or live) once per idempotency key; survives worker crashes. */
  effectJournal: EffectJournal;
  /** Live providers and connectors configured on this worker. A missing provider means "not configured". */
  live: LiveSetup;
  /** Extra latency for tabletop actions, in ms (drills feel real; tests widen the crash window). */
  tabletopLatencyMs?: number;
  /** The approvers file (and its Slack user group reader). Absent: the approval policy is open. */
  approvers?: ApproversSetup;
  /** Where runs post their root message and thread. Absent: runs have no Slack presence. */
  slackSurface?: SlackSurface;
}
