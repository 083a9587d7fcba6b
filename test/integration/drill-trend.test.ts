/**
 * `quell drill report` over real drills on the dev server, through the real CLI:
 *
 * - three drills of the fixture scenario trend-contain (test/fixtures/drills/runbooks): one
 *   approved at once, one approved 3 s after its gate opened, one ended by the facilitator before anyone
 *   approved (never contained);
 * - one LIVE run of the same runbook, its deletion request taken by a loopback vendor API
 *   (test/support/vendor-api.ts), approved by an approver from the worker's approvers file;
 * - one tabletop run of the same runbook that is no drill.
 *
 * The trend counts exactly the three drills (one chart marker each, in launch order, slower
 * containment drawn higher, the never-contained one in the band above the plot); the live run
 * appears only in the live section, with its containment measured on the drills' yardstick; the
 * tabletop run appears nowhere. The HTML opens in Chromium with no console error, no request and
 * no script, and a screenshot is kept. Percentiles are checked against the definition by hand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApproversSetup } from '../../activities/approvers/build';
import { buildLiveSetup } from '../../activities/live-setup';
import { endDrill, startDrill } from '../../client/drills';
import { decideApproval, getRunState } from '../../client/runs';
import { EXERCISE_BANNER, EXERCISE_MARK } from '../../common/exercise';
import type { RunState } from '../../common/run-state';
import { loadConnectorsFile } from '../../connectors/connectors-file';
import type { DrillTrend } from '../../reports/drill/trend';
import { screenshotPath, visitHtmlFile } from '../support/browser';
import { quellOk, runQuell, type CliEnvironment } from '../support/cli';
import { DRILL_RUNBOOKS_DIR, loadTestDrill } from '../support/drills';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { plantSecret } from '../support/planted-secrets';
import { waitForState } from '../support/run-driver';
import { runLogger, testServer } from '../support/temporal';
import { startVendorApi, type VendorApi } from '../support/vendor-api';

const KEY = plantSecret('drill-trend-vendor-shared-key', 'vendor hmac key');
const RUNBOOK = path.join(DRILL_RUNBOOKS_DIR, 'trend-contain.yaml');
const GATE = 'approve-containment';
const APPROVERS = `version: 1
people:
  carol: { cli: carol }
  fiona: { cli: fiona }
groups:
  security-oncall: { people: [carol] }
  trend-leads: { people: [fiona] }
`;

let vendor: VendorApi;
let engine: TestEngine;
let work: string;
let env: CliEnvironment;

beforeAll(async () => {
  vendor = await startVendorApi({ secret: KEY });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-drill-trend-'));
  const connectors = path.join(work, 'connectors.yaml');
  fs.writeFileSync(connectors, `version: 1\nvendors:\n  acme: { channel: http, name: Acme, url: "${vendor.url}", hmac_secret: { env: DRILL_TREND_ACME_KEY } }\n`);
  const loaded = loadConnectorsFile(connectors, { DRILL_TREND_ACME_KEY: KEY });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const approversFile = path.join(work, 'approvers.yaml');
  fs.writeFileSync(approversFile, APPROVERS);
  const logger = runLogger('drill-trend');
  engine = await startTestEngine('drill-trend', {
    live: await buildLiveSetup(loaded.config, { logger, dataDir: path.join(work, 'data') }),
    approvers: buildApproversSetup(approversFile, undefined, logger)!,
  });
  const server = testServer();
  // The CLI reads visibility only: it needs the server and the task queue that scopes the drills.
  env = { address: server.address, namespace: server.namespace, taskQueue: engine.taskQueue, dataDir: work, extra: { QUELL_RUNBOOKS_DIR: DRILL_RUNBOOKS_DIR } };
});

afterAll(async () => {
  await engine?.stop();
  await vendor?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gateOf = (state: RunState) => state.steps.find((step) => step.id === GATE)?.approval;

/** The gate once it is open and knows its approvers (a drill's run starts a moment after the drill). */
const gateOpen = (runId: string) =>
  eventually(`gate of ${runId} open`, async () => {
    const state = await getRunState(engine.client, runId).catch((error: { code?: string }) => (error.code === 'not-found' ? undefined : Promise.reject(error)));
    return state && gateOf(state)?.policy !== undefined && state;
  });

/** Waits for the gate to know its approvers, then approves it as carol. */
async function approve(runId: string): Promise<void> {
  const open = await gateOpen(runId);
  await decideApproval(engine.client, runId, { stepId: GATE, actor: 'carol', via: 'cli', decision: 'approve', summarySha256: gateOf(open)!.summarySha256 });
}

const finished = (runId: string) => waitForState(() => getRunState(engine.client, runId), (state) => ['completed', 'failed', 'rejected', 'cancelled'].includes(state.status), 60_000);

let counter = 0;
async function drill(play: (drillId: string, runId: string) => Promise<void>): Promise<string> {
  counter += 1;
  const loaded = await loadTestDrill('trend-contain');
  const handle = await startDrill(engine.client, { ...loaded, exerciseId: `trend-${Date.now()}-${counter}`, requestedBy: 'rita.requester', requestedVia: 'api', taskQueue: engine.taskQueue });
  await play(handle.workflowId, `${handle.workflowId}:run`);
  await handle.result();
  return handle.workflowId;
}

test('three drills, one live incident and one plain tabletop run: the trend counts the drills, shows the live run apart, and renders inert in Chromium', async () => {
  const quick = await drill(async (_, runId) => {
    await approve(runId);
    expect((await finished(runId)).status).toBe('completed');
  });
  const slow = await drill(async (_, runId) => {
    await gateOpen(runId);
    await sleep(3_000);
    await approve(runId);
    expect((await finished(runId)).status).toBe('completed');
  });
  const ended = await drill(async (drillId) => {
    await endDrill(engine.client, drillId, { actor: 'fiona', via: 'cli', reason: 'out of time' });
  });
  const drillIds = [quick, slow, ended];

  const incident = `INC-TREND-${Date.now()}`;
  const liveId = await engine.start(RUNBOOK, { vendor: 'acme' }, { mode: 'live', incident });
  await approve(liveId);
  expect((await finished(liveId)).status).toBe('completed');
  expect(vendor.processed.filter((entry) => entry.body.incident === incident)).toHaveLength(1);
  const tabletopId = await engine.start(RUNBOOK, { vendor: 'acme' }, { mode: 'tabletop', incident: `${incident}-TT` });
  await approve(tabletopId);
  expect((await finished(tabletopId)).status).toBe('completed');

  // Visibility catches up in its own time: ask until all three drills and the live run are listed.
  const trend = await eventually(
    'the trend to list three drills and one live run',
    async () => {
      const shown = JSON.parse((await quellOk(['drill', 'report', '--format', 'json', '--since', '1h'], env)).stdout) as DrillTrend;
      return shown.drills.count === 3 && shown.live.count === 1 && shown;
    },
    60_000,
  );
  expect(trend.percentileMethod).toBe('nearest-rank');
  expect(trend.drills.exercise).toBe(true);
  expect(trend.live.exercise).toBe(false);
  expect(trend.drills.scenarios).toHaveLength(1);
  const scenario = trend.drills.scenarios[0]!;
  expect(scenario).toMatchObject({ scenarioId: 'trend-contain', runbookId: 'trend-contain', drills: 3, drillsMeasuringContainment: 3, drillsContained: 2, objectivesTotal: 3, containmentTargetMs: 60_000 });
  expect(scenario.points.map((point) => point.drillId)).toEqual(drillIds);
  const [a, b, c] = scenario.points;
  expect(a!.containmentMs).toBeDefined();
  // The slow drill's approval came 3 s after its gate opened: later than the quick one's, and contained later.
  expect(b!.approvalMs[0]).toBeGreaterThanOrEqual(3_000);
  expect(b!.approvalMs[0]).toBeGreaterThan(a!.approvalMs[0]!);
  expect(b!.containmentMs).toBeGreaterThan(a!.containmentMs!);
  expect(c!.containmentMs).toBeUndefined();
  expect(c!.status).toBe('ended');
  expect([a!.approvalMs.length, b!.approvalMs.length, c!.approvalMs.length]).toEqual([1, 1, 0]);
  // Nearest rank over two values: p50 is the smaller (rank ceil(0.5 x 2) = 1), p90 the larger (rank 2).
  expect(scenario.containment).toEqual({ count: 2, p50: a!.containmentMs, p90: b!.containmentMs });
  expect(scenario.approval).toEqual({ count: 2, p50: Math.min(a!.approvalMs[0]!, b!.approvalMs[0]!), p90: Math.max(a!.approvalMs[0]!, b!.approvalMs[0]!) });

  // The live run only in the live section, measured on the drills' containment steps.
  expect(trend.live.incidents).toHaveLength(1);
  const live = trend.live.incidents[0]!;
  expect(live).toMatchObject({ workflowId: liveId, runbookId: 'trend-contain', incidentId: incident, status: 'completed', containmentMeasured: true, containmentTargetMs: 60_000 });
  expect(live.containmentMs).toBeGreaterThan(0);
  expect(live.approvalMs).toHaveLength(1);
  expect(trend.live.runbooks).toMatchObject([{ runbookId: 'trend-contain', incidents: 1, contained: 1, containmentSteps: [GATE, 'request-deletion'] }]);
  const everything = JSON.stringify(trend);
  expect(everything).not.toContain(tabletopId);
  expect(JSON.stringify(trend.drills)).not.toContain(liveId);

  // HTML: one marker per drill in the scenario's chart; the live run only inside the live section.
  const out = path.join(work, 'trend.html');
  const written = await quellOk(['drill', 'report', '--format', 'html', '--since', '1h', '--out', out], env);
  expect(written.stdout).toBe(`[${EXERCISE_MARK}] drill trend written to ${out}: 3 drills, 1 live incident (html)`);
  for (const line of written.stderr.split('\n').filter(Boolean)) expect(line.startsWith(`[${EXERCISE_MARK}] `)).toBe(true);
  expect(written.stderr).toContain('building 3 drill reports from their histories');
  const html = fs.readFileSync(out, 'utf8');
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  expect(svgs).toHaveLength(1);
  const markers = [...svgs[0]!.matchAll(/<g class="drill-point (contained|not-contained)" data-drill-id="([^"]+)">/g)];
  expect(markers.map((marker) => [marker[2], marker[1]])).toEqual([
    [quick, 'contained'],
    [slow, 'contained'],
    [ended, 'not-contained'],
  ]);
  const cy = (drillId: string) => Number(new RegExp(`data-drill-id="${drillId}">.*?<circle cx="[\\d.]+" cy="([\\d.]+)"`).exec(svgs[0]!)![1]);
  expect(cy(slow)).toBeLessThan(cy(quick));
  expect(svgs[0]).toContain('class="target-line"');
  const liveStart = html.indexOf('<section class="live"');
  expect(liveStart).toBeGreaterThan(html.indexOf('</svg>'));
  expect(html.slice(0, liveStart)).not.toContain(liveId);
  expect(html.slice(liveStart)).toContain(liveId);
  expect(html.slice(liveStart)).not.toContain('drill-point');
  expect(html).not.toContain(tabletopId);

  const visit = await visitHtmlFile(out, screenshotPath('drill-trend'));
  expect(visit.consoleErrors).toEqual([]);
  expect(visit.pageErrors).toEqual([]);
  expect(visit.requests).toEqual([]);
  expect(visit.activeElements).toEqual([]);
  expect(visit.screenshotBytes).toBeGreaterThan(20_000);
  expect(visit.visibleText.split('\n')[0]).toBe(EXERCISE_BANNER);
  expect(visit.visibleText).toContain('Live incidents: real, not exercises');
  expect(visit.visibleText).toContain(incident);

  // Markdown carries the same chart; the table opens with the banner and keeps live apart.
  const markdown = (await quellOk(['drill', 'report', '--format', 'md', '--since', '1h'], env)).stdout;
  expect(markdown.split('\n')[0]).toBe(`> **${EXERCISE_BANNER}**`);
  expect(markdown.match(/class="drill-point /g)).toHaveLength(3);
  const table = (await quellOk(['drill', 'report', '--since', '1h', '--scenario', 'trend-contain'], env)).stdout.split('\n');
  expect(table[0]).toBe(`[${EXERCISE_BANNER}]`);
  // Objectives met 2/3 (the ended drill met none), contained 2/3.
  expect(table.find((line) => line.startsWith('trend-contain '))).toMatch(/^trend-contain\s+3\s+2\/3\s+2\/3\s/);
  const liveHeading = table.findIndex((line) => line.startsWith('LIVE incidents'));
  expect(liveHeading).toBeGreaterThan(0);
  expect(table[liveHeading + 2]).toMatch(/^trend-contain\s+1\s+1\/1/);
});

test('a scenario with no drills, and bad flags, are answered plainly', async () => {
  const none = JSON.parse((await quellOk(['drill', 'report', '--format', 'json', '--scenario', 'no-such-scenario'], env)).stdout) as DrillTrend;
  expect(none.drills.count).toBe(0);
  expect(none.live.count).toBe(0);
  expect(none.warnings).toEqual(['no drill of scenario no-such-scenario in the window, so no runbook to show live incidents of']);

  const badFormat = await runQuell(['drill', 'report', '--format', 'pdf'], env);
  expect(badFormat.code).toBe(2);
  expect(badFormat.stderr).toBe('quell: --format "pdf" is not one of table, md, html, json');
  const badSince = await runQuell(['drill', 'report', '--since', 'last tuesday'], env);
  expect(badSince.code).toBe(2);
  expect(badSince.stderr).toMatch(/^quell: --since "last tuesday" is neither a duration back from now/);
  const badDate = await runQuell(['drill', 'report', '--since', '2026-02-30'], env);
  expect(badDate.code).toBe(2);
  expect(badDate.stderr).toBe('quell: --since "2026-02-30" is not a real date');
  const badScenario = await runQuell(['drill', 'report', '--scenario', "x' OR 1=1"], env);
  expect(badScenario.code).toBe(2);
  expect(badScenario.stderr).toContain('--scenario "x\' OR 1=1" is not a scenario id');
});
