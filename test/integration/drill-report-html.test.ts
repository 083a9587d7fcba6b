/**
 * The after-action report as HTML (reports/drill/html.ts), opened in a real headless Chromium:
 *
 * - a real drill on the dev server, in which people wrote hostile text (a note with a script, an
 *   approver whose name is an image tag with an onerror handler, a reason that closes the
 *   stylesheet), built into its report by client/drill-report.ts: the page shows all of it as
 *   text, runs nothing, asks for nothing, logs no error, and shows the exercise banner, the
 *   objective ids and the history event ids it cites;
 * - a hand-written report with hostile text in every field people fill in, for the fields a real
 *   drill cannot reach yet (scenario title, plan items, readiness details).
 *
 * Screenshots are kept under the system temp dir (or QUELL_TEST_OUTPUT) for a person to look at.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { endDrill, noteDrill, startDrill } from '../../client/drills';
import { getDrillReport } from '../../client/drill-report';
import { decideApproval, getRunState } from '../../client/runs';
import { EXERCISE_BANNER } from '../../common/exercise';
import { renderDrillReportHtml } from '../../reports/drill/html';
import type { DrillReport } from '../../reports/drill/report-types';
import { screenshotPath, visitHtmlFile, type PageVisit } from '../support/browser';
import { sampleDrillReport, type SampleText } from '../support/drill-report-sample';
import { loadTestDrill } from '../support/drills';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { waitForState } from '../support/run-driver';

const SCRIPT_NOTE = '<script>document.title = "pwned by a note"; fetch("http://127.0.0.1:9/leak")</script> the key was in the wiki';
const IMAGE_ACTOR = '"><img src=x onerror=alert(1)>';
const STYLE_REASON = '</style><style>body{display:none}</style><b>bold?</b>';

let engine: TestEngine;
let work: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-drill-report-html-'));
  // No approvers file: the open policy lets any named person but the requester decide.
  engine = await startTestEngine('drill-report-html');
});

afterAll(async () => {
  await engine?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function open(report: DrillReport, name: string): Promise<{ visit: PageVisit; html: string }> {
  const html = renderDrillReportHtml(report);
  const file = path.join(work, `${name}.html`);
  fs.writeFileSync(file, html);
  return { visit: await visitHtmlFile(file, screenshotPath(name)), html };
}

/** What a self-contained, inert page looks like to the browser. */
function expectInertPage(visit: PageVisit): void {
  expect(visit.consoleErrors).toEqual([]);
  expect(visit.pageErrors).toEqual([]);
  expect(visit.requests).toEqual([]);
  expect(visit.activeElements).toEqual([]);
  expect(fs.statSync(visit.screenshotPath).size).toBe(visit.screenshotBytes);
  expect(visit.screenshotBytes).toBeGreaterThan(20_000);
  const lines = visit.visibleText.split('\n').filter((line) => line.trim());
  expect(lines[0]).toBe(EXERCISE_BANNER);
  expect(lines.at(-1)).toBe(EXERCISE_BANNER);
}

test('a real drill with hostile notes, names and reasons renders inert, with its objectives and event ids', async () => {
  const drill = await loadTestDrill('trend-contain');
  const handle = await startDrill(engine.client, { ...drill, exerciseId: `html-${Date.now()}`, requestedBy: 'rita.requester', requestedVia: 'api', taskQueue: engine.taskQueue });
  const drillId = handle.workflowId;
  const runId = `${drillId}:run`;
  await noteDrill(engine.client, drillId, { text: SCRIPT_NOTE, actor: 'fiona', via: 'cli' });
  // The run starts a moment after the drill: wait for it, and for its gate to know who may decide.
  const open_ = await eventually('the gate to open', async () => {
    const state = await getRunState(engine.client, runId).catch((error: { code?: string }) => (error.code === 'not-found' ? undefined : Promise.reject(error)));
    return state?.steps.find((step) => step.id === 'approve-containment')?.approval?.policy !== undefined && state;
  });
  const gate = open_.steps.find((step) => step.id === 'approve-containment')!.approval!;
  await decideApproval(engine.client, runId, { stepId: 'approve-containment', actor: IMAGE_ACTOR, via: 'cli', decision: 'approve', summarySha256: gate.summarySha256, reason: STYLE_REASON });
  await waitForState(() => getRunState(engine.client, runId), (state) => state.status === 'completed');
  // Ended by hand in case the drill is still closing; a closed drill refuses, which is fine here.
  await endDrill(engine.client, drillId, { actor: 'fiona', via: 'cli', reason: STYLE_REASON }).catch(() => undefined);
  expect((await handle.result()).status).toMatch(/completed|ended/);

  const report = await getDrillReport(engine.client, drillId);
  const approval = report.timeline.find((line) => line.kind === 'approval.approve');
  expect(approval?.actor).toBe(IMAGE_ACTOR);
  const { visit, html } = await open(report, 'drill-report-real');

  expectInertPage(visit);
  expect(visit.title).toBe(`[EXERCISE] After-action report: ${drill.scenario.title} (${drillId})`);
  expect(visit.visibleText).toContain(SCRIPT_NOTE);
  expect(visit.visibleText).toContain(IMAGE_ACTOR);
  expect(visit.visibleText).toContain(STYLE_REASON);
  expect(visit.visibleText).toContain('contain-in-time');
  expect(visit.visibleText).toContain(drillId);
  // Every timeline line's event reference is on the page, the approval's among them.
  expect(visit.visibleText).toContain(approval!.ref);
  for (const line of report.timeline) expect(visit.visibleText).toContain(line.ref);
  expect(report.objectives.map((objective) => objective.id)).toEqual(['contain-in-time']);
  expect(visit.visibleText).toMatch(new RegExp(`contain-in-time\\s+${report.objectives[0]!.description}`));
  // The markup never carries the hostile text raw: it is all entities.
  expect(html).not.toContain('<script>');
  expect(html).not.toContain('<img');
  expect(html.match(/<\/style>/g)).toHaveLength(1);
});

test('hostile text in every people-written field of a report is shown as text, and the page stays inert', async () => {
  const hostile: SampleText = {
    title: '</title></style><script>document.title="pwned"</script>',
    note: '<iframe src="http://127.0.0.1:9/"></iframe>\nsecond line',
    actor: '"><img src=x onerror=alert(1)>',
    message: "<svg onload=alert(1)><a href='javascript:alert(1)'>click</a>",
    reason: '<link rel=stylesheet href=http://127.0.0.1:9/x.css>',
    finding: '<object data=x></object><base href="http://127.0.0.1:9/">&amp; &lt;',
  };
  const { visit } = await open(sampleDrillReport(hostile), 'drill-report-hostile');

  expectInertPage(visit);
  expect(visit.title).toBe(`[EXERCISE] After-action report: ${hostile.title} (quell-drill:credential-compromise:ex-1)`);
  for (const text of [hostile.title, hostile.actor, hostile.message, hostile.reason, hostile.finding, '<iframe src="http://127.0.0.1:9/"></iframe>']) {
    expect(visit.visibleText).toContain(text);
  }
  expect(visit.visibleText).toContain('contain-in-time');
  expect(visit.visibleText).toContain('run#25');
});
