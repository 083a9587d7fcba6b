/**
 * What the activities need from the outside world, injected by the worker (or a test).
 */
import type { Logger } from 'pino';
import type { ApproversSetup } from './approvers/resolve';
import type { LiveSetup } from './action-performer';
import type { SlackSurface } from './slack-surface';
import type { EffectJournal } from './effects/effect-journal';
import type { IntentNotes } from './effects/intent-notes';
import type { AuditKeyFiles } from '../reports/audit/key-files';

export interface ActivityDeps {
  logger: Logger;
  /** Records every effect (tabletop or live) once per idempotency key; survives worker crashes. */
  effectJournal: EffectJournal;
  /** Notes of live action attempts, so a retry can tell whose effect it found. Absent: retries say `effect_by: unknown`. */
  intentNotes?: IntentNotes;
  /** Live actions and connectors configured on this worker. An action missing there is "not configured". */
  live: LiveSetup;
  /** Extra latency for tabletop actions, in ms (drills feel real; tests widen the crash window). */
  tabletopLatencyMs?: number;
  /** The approvers file (and its Slack user group reader). Absent: the approval policy is open. */
  approvers?: ApproversSetup;
  /** Where runs post their root message and thread. Absent: runs have no Slack presence. */
  slackSurface?: SlackSurface;
  /** What the scheduled archive needs besides the live setup's stores. Absent: it refuses, saying why. */
  auditArchive?: { dataDir: string; keyFiles: AuditKeyFiles };
}
