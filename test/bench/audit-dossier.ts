/**
 * `npm run bench -- audit-dossier`: exporting and verifying the dossier of a run with a 10,000-event
 * history, offline. Targets (issue 14): verify under 5 s, export under 10 s on this machine.
 * Reported, never asserted.
 *
 * The history is generated, not recorded: a runbook's 500-step limit keeps real runs well under
 * 10,000 events, and the dossier code is a pure function of the events. Its shape is a real run's:
 * a WorkflowExecutionStarted carrying the runbook, then per action step the workflow task that
 * scheduled it (scheduled, started, completed), ActivityTaskScheduled with the ActionRequest,
 * ActivityTaskStarted and ActivityTaskCompleted with an ActionResult, every tenth step an
 * approval Update (accepted and completed) instead, and the WorkflowExecutionCompleted with the
 * RunResult. Payloads are made by the SDK's payload converter, as a worker makes them.
 *
 * Measured side by side, several rounds each, median reported:
 * - export: build the entries from the history, chain, sign, serialise JSON, render HTML;
 * - verify: parse the JSON file, check format, chain and signature;
 * - floor: one SHA-256 over the same JSON bytes (what reading and hashing the file costs at least).
 *
 * Environment: BENCH_DOSSIER_EVENTS (default 10000), BENCH_ROUNDS (default 5).
 */
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { buildDossier } from '../../reports/audit/dossier';
import { renderDossierHtml } from '../../reports/audit/dossier-html';
import { dossierView } from '../../reports/audit/dossier-view';
import { generateSigningKey } from '../../reports/audit/signing';
import { verifyDossierOffline } from '../../reports/audit/verify-dossier';

/** Events as plain objects: numbers where the generated types say Long (protobufjs takes both). */
type Event = Record<string, unknown>;

const TARGET_EVENTS = Number(process.env.BENCH_DOSSIER_EVENTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WORKFLOW_ID = 'quell:bench-dossier:INC-BENCH';

function generatedHistory(targetEvents: number): temporal.api.history.v1.IHistory {
  // Each step adds 5 events (3 workflow task + 3 activity, or 3 workflow task + 2 Update) on average.
  const stepCount = Math.ceil((targetEvents - 2) / 5.9);
  const steps = Array.from({ length: stepCount }, (_, index) =>
    index % 10 === 9
      ? { id: `gate-${index}`, phase: 'contain', controls: ['SOC2:CC7.4'], approval: { approvers: ['security-oncall'], quorum: 1, timeout: '1h', summary: `Go ahead with step ${index}` } }
      : { id: `step-${index}`, phase: index < stepCount / 2 ? 'detect' : 'contain', controls: ['SOC2:CC7.3'], action: 'notify', with: { message: `step ${index} of the bench run` } },
  );
  const runbook = { id: 'bench-dossier', version: 1, title: 'Bench dossier', severity: 'high', inputs: {}, steps };
  const events: Event[] = [];
  let time = Date.parse('2026-12-01T09:00:00Z');
  const add = (attributes: Event): number => {
    time += 7;
    const eventId = events.length + 1;
    events.push({ eventId, eventTime: { seconds: Math.floor(time / 1000), nanos: (time % 1000) * 1e6 }, ...attributes });
    return eventId;
  };
  const payload = (value: unknown) => ({ payloads: [defaultPayloadConverter.toPayload(value)] });
  add({
    workflowExecutionStartedEventAttributes: {
      workflowType: { name: 'runRunbook' },
      taskQueue: { name: 'bench' },
      identity: 'bench@host',
      originalExecutionRunId: 'run-bench',
      input: payload({ runbook, runbookSha256: 'a'.repeat(64), inputs: {}, mode: 'tabletop', requestedBy: 'rita', requestedVia: 'cli', incidentId: 'INC-BENCH' }),
    },
  });
  const workflowTask = () => {
    const scheduled = add({ workflowTaskScheduledEventAttributes: {} });
    const started = add({ workflowTaskStartedEventAttributes: { scheduledEventId: scheduled } });
    add({ workflowTaskCompletedEventAttributes: { scheduledEventId: scheduled, startedEventId: started } });
  };
  for (const step of steps) {
    workflowTask();
    if ('approval' in step) {
      const request = { stepId: step.id, actor: 'alice', via: 'cli', decision: 'approve', reason: 'bench', summarySha256: 'b'.repeat(64) };
      const accepted = add({ workflowExecutionUpdateAcceptedEventAttributes: { protocolInstanceId: step.id, acceptedRequest: { meta: { updateId: step.id }, input: { name: 'decideApproval', args: payload(request) } } } });
      add({ workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId: step.id }, acceptedEventId: accepted, outcome: { success: payload({ decisions: [{ ...request, at: new Date(time).toISOString(), person: 'alice' }], quorum: 1, outcome: 'approved', summarySha256: 'b'.repeat(64) }) } } });
      continue;
    }
    const request = { action: 'notify', params: step.with, workflowId: WORKFLOW_ID, runId: 'run-bench', stepId: step.id, mode: 'tabletop', idempotencyKey: `${WORKFLOW_ID}/run-bench/${step.id}/perform`, purpose: 'perform' };
    const scheduled = add({ activityTaskScheduledEventAttributes: { activityType: { name: 'notify' }, input: payload(request) } });
    add({ activityTaskStartedEventAttributes: { scheduledEventId: scheduled, attempt: 1 } });
    add({ activityTaskCompletedEventAttributes: { scheduledEventId: scheduled, result: payload({ output: { channel: 'slack', delivered: true, simulated: true, message_id: `msg-${step.id}` }, alreadyDone: false, provider: 'tabletop' }) } });
  }
  workflowTask();
  add({ workflowExecutionCompletedEventAttributes: { result: payload({ status: 'completed', state: { workflowId: WORKFLOW_ID, steps: [], events: [], status: 'completed' } }) } });
  return { events } as temporal.api.history.v1.IHistory;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timed<T>(work: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = work();
  return { ms: performance.now() - started, value };
}

function main(): void {
  const history = generatedHistory(TARGET_EVENTS);
  const key = generateSigningKey();
  const exports: number[] = [];
  const builds: number[] = [];
  const verifies: number[] = [];
  const floors: number[] = [];
  let json = '';
  let htmlBytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const built = timed(() => buildDossier(history, { workflowId: WORKFLOW_ID, namespace: 'default', signingKeyPem: key.privateKeyPem }));
    const rendered = timed(() => {
      const text = JSON.stringify(built.value, null, 2);
      const html = renderDossierHtml(dossierView(built.value, verifyDossierOffline(built.value, key.publicKeyPem)));
      return { text, html };
    });
    json = rendered.value.text;
    htmlBytes = rendered.value.html.length;
    builds.push(built.ms);
    exports.push(built.ms + rendered.ms);
    const verified = timed(() => verifyDossierOffline(JSON.parse(json), key.publicKeyPem));
    if (!verified.value.ok) throw new Error(`the bench dossier does not verify: ${JSON.stringify(verified.value)}`);
    verifies.push(verified.ms);
    floors.push(timed(() => createHash('sha256').update(json).digest('hex')).ms);
  }
  const dossier = JSON.parse(json) as { head: { entryCount: number; historyEventCount: number } };
  const exportMs = median(exports);
  const verifyMs = median(verifies);
  const floorMs = median(floors);
  process.stdout.write(
    [
      `dossier of a ${dossier.head.historyEventCount}-event history: ${dossier.head.entryCount} entries, JSON ${(json.length / 1e6).toFixed(2)} MB, HTML ${(htmlBytes / 1e6).toFixed(2)} MB; median of ${ROUNDS} rounds, Node ${process.version}`,
      `  export (build ${median(builds).toFixed(0)} ms + JSON and HTML): ${exportMs.toFixed(0)} ms   target < 10000 ms  (${(exportMs / 10_000).toFixed(3)} of the target)`,
      `  verify offline (parse, chain, signature): ${verifyMs.toFixed(0)} ms   target < 5000 ms  (${(verifyMs / 5_000).toFixed(3)} of the target)`,
      `  floor: one SHA-256 over the JSON: ${floorMs.toFixed(1)} ms; verify costs ${(verifyMs / floorMs).toFixed(1)}× the floor`,
      '',
    ].join('\n'),
  );
}

main();
