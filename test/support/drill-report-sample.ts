/**
 * A complete DrillReport written by hand, checked against the report's own zod schema, for tests of
 * the renderers that should not wait for a drill: every section has content, and `text` decides
 * what the people-written fields say (hostile strings, in the escaping tests).
 */
import { DrillReportSchema, type DrillReport } from '../../reports/drill/report-types';
import { EXERCISE_BANNER } from '../../common/exercise';

export interface SampleText {
  title: string;
  note: string;
  actor: string;
  message: string;
  reason: string;
  finding: string;
}

export const PLAIN_TEXT: SampleText = {
  title: 'A CI deploy key leaks to a public repository',
  note: 'The team found the key within a minute.\nApproval took longer than it should.',
  actor: 'fiona.facilitator',
  message: 'GuardDuty: calls from 203.0.113.7',
  reason: 'time is up',
  finding: 'Approvers were hard to reach',
};

const at = (ms: number) => new Date(Date.parse('2026-03-02T09:00:00.000Z') + ms).toISOString();
const moment = (ms: number, ref: string) => ({ drillMs: ms, at: at(ms), ref });

/** A drill of scenario `scenarioId` launched at 2026-03-02 09:00 UTC, ended by the facilitator. */
export function sampleDrillReport(text: SampleText = PLAIN_TEXT, scenarioId = 'credential-compromise'): DrillReport {
  const drillId = `quell-drill:${scenarioId}:ex-1`;
  return DrillReportSchema.parse({
    schemaVersion: 1,
    exercise: true,
    banner: EXERCISE_BANNER,
    generatedAt: at(3_600_000),
    drill: {
      drillId,
      runId: '0a1b2c3d',
      status: 'ended',
      incidentId: 'drill-ex-1',
      requestedBy: text.actor,
      requestedVia: 'cli',
      endedBy: { actor: text.actor, reason: text.reason, ...moment(900_000, 'drill#40') },
      closed: moment(901_000, 'drill#44'),
    },
    scenario: { id: scenarioId, version: 1, title: text.title, sha256: 'a'.repeat(64) },
    runbook: { id: 'credential-compromise', version: 3, title: 'Compromised cloud credential', sha256: 'b'.repeat(64) },
    launch: { at: at(0), ref: 'drill#1' },
    drillTime: { totalMs: 840_000, pausedMs: 61_000, wallMs: 901_000, final: true },
    pauses: [{ paused: moment(300_000, 'drill#20'), pausedBy: text.actor, resumed: moment(300_000, 'drill#22'), resumedBy: text.actor, durationMs: 61_000 }],
    participants: {
      facilitatorGroups: ['security-leads'],
      playerGroups: ['security-oncall'],
      people: [
        { actor: text.actor, via: 'cli', roles: ['facilitator', 'requester'], actions: 3, firstSeen: moment(0, 'drill#1') },
        { actor: 'carol', via: 'slack', roles: ['approver', 'player'], actions: 1, firstSeen: moment(200_000, 'run#17') },
      ],
    },
    score: { met: 1, partlyMet: 1, notMet: 1, open: 0, total: 3 },
    objectives: [
      {
        id: 'contain-in-time',
        description: 'Key and sessions revoked within the containment target',
        steps: [
          { stepId: 'approve-containment', status: 'succeeded', succeeded: moment(200_000, 'run#18'), inTime: true },
          { stepId: 'revoke-key', status: 'succeeded', succeeded: moment(240_000, 'run#25'), inTime: true },
        ],
        aim: { kind: 'target', target: 'contain_within', duration: '15m' },
        limitMs: 900_000,
        verdict: 'met',
        stepsInTime: 2,
        completed: moment(240_000, 'run#25'),
        reason: 'both steps succeeded within 15m',
      },
      {
        id: 'notify-in-time',
        description: text.message,
        steps: [
          { stepId: 'notify', status: 'succeeded', succeeded: moment(100_000, 'run#12'), inTime: true },
          { stepId: 'rotate-dependents', status: 'waiting', inTime: false },
        ],
        aim: { kind: 'within', duration: '5m' },
        limitMs: 300_000,
        verdict: 'partly-met',
        stepsInTime: 1,
        reason: 'rotate-dependents never succeeded',
      },
      {
        id: 'resolve',
        description: 'Resolved within the target',
        steps: [{ stepId: 'rotate-dependents', status: 'waiting', inTime: false }],
        aim: { kind: 'target', target: 'resolve_within' },
        verdict: 'not-met',
        stepsInTime: 0,
        reason: 'the runbook sets no resolve_within',
      },
    ],
    figures: {
      firstAction: { ...moment(200_000, 'run#17'), actor: 'carol', via: 'slack', what: 'decideApproval', stepId: 'approve-containment' },
      approvals: [{ ...moment(200_000, 'run#17'), actor: 'carol', via: 'slack', what: 'decideApproval', stepId: 'approve-containment', decision: 'approve', person: 'carol' }],
      gates: [{ stepId: 'approve-containment', quorum: 1, outcome: 'approved', approvedBy: ['carol'], closed: moment(200_000, 'run#18') }],
      containment: {
        measured: true,
        steps: ['approve-containment', 'revoke-key'],
        target: '15m',
        targetMs: 900_000,
        contained: moment(240_000, 'run#25'),
        withinTarget: true,
        marginMs: 660_000,
        reason: 'contained 11m 00s before the target',
      },
      stepsFailed: [],
      stepsTimedOut: [],
      stepsSkipped: [{ stepId: 'notify-vendor', when: moment(241_000, 'run#26'), detail: 'skipped: inputs.vendor is null' }],
      retriesTotal: 2,
      retries: [{ stepId: 'revoke-key', action: 'credentials.revoke', purpose: 'perform', attempts: 3, retries: 2, outcome: 'succeeded', ref: 'run#21' }],
    },
    injects: [
      {
        id: 'detection',
        kind: 'message',
        title: text.title,
        message: text.message,
        plannedAtMs: 30_000,
        status: 'fired',
        settledBy: 'schedule',
        settled: moment(30_000, 'drill#9'),
        handling: { kind: 'message', nextAction: { ...moment(200_000, 'run#17'), actor: 'carol', via: 'slack', what: 'decideApproval', stepId: 'approve-containment' } },
        tookMs: 170_000,
        summary: 'carol approved approve-containment 2m 50s later',
      },
      { id: 'iam-throttled', kind: 'fault', plannedAtMs: 120_000, status: 'skipped', settledBy: text.actor, settled: moment(60_000, 'drill#12'), summary: `skipped by ${text.actor}` },
    ],
    timeline: [
      { ...moment(0, 'drill#1'), source: 'drill', eventId: 1, eventType: 'WorkflowExecutionStarted', kind: 'drill.launched', actor: text.actor, text: `drill launched by ${text.actor}` },
      { ...moment(30_000, 'drill#9'), source: 'drill', eventId: 9, eventType: 'TimerFired', kind: 'inject.fired', text: text.message },
      { ...moment(200_000, 'run#17'), source: 'run', eventId: 17, eventType: 'WorkflowExecutionUpdateAccepted', kind: 'approval.approve', actor: 'carol', stepId: 'approve-containment', text: 'carol approved' },
      { ...moment(240_000, 'run#25'), source: 'run', eventId: 25, eventType: 'ActivityTaskCompleted', kind: 'action.succeeded', stepId: 'revoke-key', text: 'credentials.revoke succeeded after 3 attempts' },
    ],
    notes: [{ ...moment(250_000, 'drill#30'), actor: text.actor, text: text.note }],
    improvementPlan: {
      debriefId: `${drillId}:debrief`,
      status: 'open',
      items: [
        {
          id: 1,
          finding: text.finding,
          action: 'Add a second approver to security-oncall',
          owner: text.actor,
          due: '2026-04-01',
          objectiveId: 'contain-in-time',
          addedBy: text.actor,
          addedVia: 'cli',
          addedAt: at(1_000_000),
          ref: 'debrief#6',
        },
      ],
    },
    readiness: {
      probedAt: at(1_000),
      ref: 'drill#3',
      findings: [
        { stepId: 'revoke-key', action: 'credentials.revoke', system: 'aws-iam', target: 'ci-deployer', check: 'permission', ok: false, detail: text.finding },
        { stepId: 'notify', action: 'notify', system: 'slack', check: 'credentials', ok: true, detail: 'auth.test ok' },
      ],
    },
    followUps: [],
    run: { workflowId: `${drillId}:run`, status: 'cancelled', started: moment(0, 'run#1'), closed: moment(900_500, 'run#60'), cancel: { actor: text.actor, reason: text.reason }, stepCounts: { pending: 0, running: 0, waiting: 1, succeeded: 3, failed: 0, skipped: 1, compensated: 0 } },
    warnings: [],
  });
}
