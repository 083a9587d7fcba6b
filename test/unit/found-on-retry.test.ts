/**
 * The action envelope's marking of an effect a retry finds already in place (activities/
 * perform-action.ts with activities/effects/{intent-notes,retry-provenance}.ts): which attempt
 * found it, and whose it is by the intent notes (this run, before the run, or unknown). Live
 * attempts are noted before the handler runs and when it ends; notes hold no parameters or
 * failure messages, and a note that cannot be written never fails the action.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import type { ActionRequest, ActionResult } from '../../activities/action-request';
import type { ActivityDeps } from '../../activities/deps';
import { FileEffectJournal } from '../../activities/effects/file-journal';
import { IntentNotes } from '../../activities/effects/intent-notes';
import type { LiveAction } from '../../activities/action-performer';
import { unavailableFailure } from '../../connectors/failures';
import type { ActionOutcome } from '../../connectors/action-context';
import type { RunMode } from '../../common/run-state';
import { runLogger } from '../support/temporal';

const SECRET_LOOKING = 'tok-do-not-note-7f3a';

let dir: string;
let counter = 0;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-found-on-retry-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A live credentials.revoke whose answers the test scripts, one per call. */
function scriptedAction(script: Array<ActionOutcome | Error>): LiveAction & { calls: number } {
  const scripted = {
    name: 'live:credentials.revoke',
    calls: 0,
    needs: () => ({ connectors: [], problems: [] }),
    perform(): Promise<ActionOutcome> {
      const next = script[Math.min(scripted.calls, script.length - 1)];
      scripted.calls += 1;
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  };
  return scripted;
}

/** `null`: a worker that keeps no intent notes. */
function activitiesWith(live: LiveAction, notes: IntentNotes | null = new IntentNotes(path.join(dir, 'action-intents.jsonl'))) {
  const deps: ActivityDeps = {
    logger: runLogger('found-on-retry'),
    effectJournal: new FileEffectJournal(path.join(dir, 'effects.jsonl')),
    live: { actions: { 'credentials.revoke': live }, connectors: new Map() },
    ...(notes ? { intentNotes: notes } : {}),
  };
  return createActivities(deps);
}

function request(mode: RunMode = 'live'): ActionRequest {
  counter += 1;
  return {
    action: 'credentials.revoke',
    params: { provider: 'aws-iam', principal: 'alice', key_id: SECRET_LOOKING },
    workflowId: 'wf-retry',
    runId: 'run-1',
    stepId: 'revoke',
    mode,
    idempotencyKey: `wf-retry/run-1/revoke-${counter}/perform`,
    purpose: 'perform',
  };
}

const attemptOf = (activities: ReturnType<typeof activitiesWith>, attempt: number, req: ActionRequest) =>
  new MockActivityEnvironment({ attempt }).run(activities['credentials.revoke'], req) as Promise<ActionResult>;

// Shaped as the catalogue declares credentials.revoke's output (the activity checks it).
const changed: ActionOutcome = { output: { provider: 'aws-iam', principal: 'alice', deactivated: ['AKIA1'], verified: true }, alreadyDone: false };
const inPlace: ActionOutcome = { output: { provider: 'aws-iam', principal: 'alice', deactivated: ['AKIA1'], key_status: 'Inactive', verified: true }, alreadyDone: true };

test('a first attempt is not marked, and its notes say it started and finished, without parameters', async () => {
  const activities = activitiesWith(scriptedAction([inPlace]));
  const req = request();
  expect(await attemptOf(activities, 1, req)).toEqual({ ...inPlace, provider: 'live:credentials.revoke' });

  const lines = fs.readFileSync(path.join(dir, 'action-intents.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toMatchObject([
    { note: 'started', idempotencyKey: req.idempotencyKey, workflowId: 'wf-retry', runId: 'run-1', stepId: 'revoke', action: 'credentials.revoke', attempt: 1 },
    { note: 'finished', idempotencyKey: req.idempotencyKey, attempt: 1, alreadyDone: true, output: inPlace.output },
  ]);
  expect(fs.readFileSync(path.join(dir, 'action-intents.jsonl'), 'utf8')).not.toContain(SECRET_LOOKING);
});

test('an attempt cut off after it started: the retry that finds the effect says this run made it', async () => {
  const scripted = scriptedAction([inPlace]);
  const notes = new IntentNotes(path.join(dir, 'action-intents.jsonl'));
  const req = request();
  const { idempotencyKey, workflowId, runId, stepId, action, purpose } = req;
  await notes.started({ idempotencyKey, workflowId, runId, stepId, action, purpose, attempt: 1 });

  const retry = await attemptOf(activitiesWith(scripted, notes), 2, req);
  expect(retry).toEqual({
    provider: 'live:credentials.revoke',
    alreadyDone: true,
    output: {
      ...inPlace.output,
      found_on_retry: true,
      found_on_attempt: 2,
      effect_by: 'this-run',
      effect_evidence: 'attempt 1 started it and never reported back (its worker was lost); the output is what the system reads back now',
    },
  });
});

test('an attempt that failed part-way: its failure type is noted (not its message) and named by the retry', async () => {
  const activities = activitiesWith(scriptedAction([unavailableFailure({ connector: 'aws-iam', operation: 'x' }, `timeout near ${SECRET_LOOKING}`), inPlace]));
  const req = request();
  await expect(attemptOf(activities, 1, req)).rejects.toMatchObject({ type: 'QuellUnavailable' });

  const retry = await attemptOf(activities, 2, req);
  expect(retry.output).toMatchObject({ found_on_retry: true, effect_by: 'this-run', effect_evidence: expect.stringContaining('attempt 1 started it and failed part-way (QuellUnavailable)') });
  expect(fs.readFileSync(path.join(dir, 'action-intents.jsonl'), 'utf8')).not.toContain(SECRET_LOOKING);
});

test("an attempt whose report was lost: the retry hands back that attempt's report", async () => {
  const activities = activitiesWith(scriptedAction([changed, inPlace, inPlace]));
  const req = request();
  const first = await attemptOf(activities, 1, req);
  expect(first).toEqual({ ...changed, provider: 'live:credentials.revoke' });

  const second = await attemptOf(activities, 2, req);
  expect(second).toEqual({ ...first, alreadyDone: true, output: { ...changed.output, found_on_retry: true, found_on_attempt: 2, effect_by: 'this-run', effect_evidence: expect.stringContaining('attempt 1 made the change and reported it') } });
  // And again if that report was lost too: still this run's change, now found by attempt 3.
  const third = await attemptOf(activities, 3, req);
  expect(third.output).toMatchObject({ ...changed.output, found_on_attempt: 3, effect_by: 'this-run', effect_evidence: expect.stringContaining('attempt 2 had already found') });
});

test('no earlier attempt reached the system: the effect was there before the run', async () => {
  const retry = await attemptOf(activitiesWith(scriptedAction([inPlace])), 2, request());
  expect(retry.output).toMatchObject({ found_on_retry: true, found_on_attempt: 2, effect_by: 'before-this-run' });
});

test('a retry that changes something itself is not marked', async () => {
  const retry = await attemptOf(activitiesWith(scriptedAction([changed])), 2, request());
  expect(retry.output).toEqual(changed.output);
});

test('a worker without notes says it cannot tell; unwritable notes never fail the action', async () => {
  const withoutNotes = await attemptOf(activitiesWith(scriptedAction([inPlace]), null), 2, request());
  expect(withoutNotes.output).toMatchObject({ found_on_retry: true, effect_by: 'unknown', effect_evidence: expect.stringContaining('keeps no notes') });

  // The notes file would sit under a regular file: every write and read fails.
  fs.writeFileSync(path.join(dir, 'not-a-folder'), '');
  const broken = new IntentNotes(path.join(dir, 'not-a-folder', 'action-intents.jsonl'));
  const activities = activitiesWith(scriptedAction([changed, inPlace]), broken);
  const req = request();
  expect(await attemptOf(activities, 1, req)).toMatchObject({ alreadyDone: false });
  expect((await attemptOf(activities, 2, req)).output).toMatchObject({ found_on_retry: true, effect_by: 'unknown', effect_evidence: expect.stringContaining('could not be read') });
});

test('a tabletop retry finds the simulated effect its first attempt recorded', async () => {
  const activities = activitiesWith(scriptedAction([changed]));
  const req = request('tabletop');
  const first = await attemptOf(activities, 1, req);
  expect(first).toMatchObject({ alreadyDone: false, provider: 'tabletop' });

  const retry = await attemptOf(activities, 2, req);
  expect(retry).toEqual({ ...first, alreadyDone: true, output: { ...first.output, found_on_retry: true, found_on_attempt: 2, effect_by: 'this-run', effect_evidence: expect.stringContaining('effect journal') } });
  expect(fs.existsSync(path.join(dir, 'action-intents.jsonl'))).toBe(false);
});
