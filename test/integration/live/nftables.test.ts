/**
 * Egress containment with nftables, LIVE through Temporal and the client module, with real packets:
 * two network namespaces joined by a veth pair, a TCP server in one, Quell's nft running in the
 * other. The connection works; the run's `egress.block` step makes it fail at once; the same
 * request repeated through the real activity is already done; cancelling the run compensates the
 * block and the connection works again. The ruleset, read by the test itself, shows the tagged
 * rule, its counter catching the refused packets, and a rule of another table surviving.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities';
import type { ActionRequest, ActionResult } from '../../../activities/action-request';
import { FileEffectJournal } from '../../../activities/effects/file-journal';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import type { LiveSetup } from '../../../activities/action-performer';
import { cancelRun, getRunState } from '../../../client/runs';
import type { RunResult, RunState } from '../../../common/run-state';
import { startTestEngine, type TestEngine } from '../../support/engine';
import { createNetworkLab, listNftRules, packetsCounted, type Link, type NetworkLab } from '../../support/netns';
import { waitForState } from '../../support/run-driver';
import { runLogger } from '../../support/temporal';

const RUNBOOK = 'test/fixtures/live/nftables-egress-containment.yaml';
const CONNECTORS = path.join(__dirname, '..', '..', 'fixtures', 'live', 'nftables-connectors.yaml');
const TABLE = 'quell_accept';
const PORT = 7301;

let lab: NetworkLab;
let host: string;
let server: string;
let link: Link;
let work: string;
let setup: LiveSetup;
let engine: TestEngine;

const step = (state: RunState, id: string) => state.steps.find((candidate) => candidate.id === id)!;

/** The egress.block request the workflow scheduled, decoded from its history as the activity received it. */
async function scheduledBlock(workflowId: string): Promise<ActionRequest> {
  const history = await engine.client.workflow.getHandle(workflowId).fetchHistory();
  const requests = (history.events ?? []).flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== 'egress.block') return [];
    return (scheduled.input?.payloads ?? []).map((payload) => JSON.parse(Buffer.from(payload.data!).toString('utf8')) as ActionRequest);
  });
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

beforeAll(async () => {
  lab = await createNetworkLab();
  host = await lab.addNamespace('host');
  server = await lab.addNamespace('server');
  link = await lab.link(host, server);
  await lab.startServers(server, [PORT]);
  // Someone else's rule on the same hook, in their own table: it must survive everything Quell does.
  await lab.exec(host, ['nft', '-f', '-'], `table inet bystander {\n chain output {\n type filter hook output priority 10; policy accept;\n ip daddr ${link.b.v4} tcp dport ${PORT} counter comment "bystander"\n }\n}\n`);

  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-nftables-'));
  const file = path.join(work, 'connectors.yaml');
  fs.writeFileSync(file, fs.readFileSync(CONNECTORS, 'utf8').replaceAll('TEST_TABLE', TABLE).replaceAll('TEST_NETNS', host));
  const loaded = loadConnectorsFile(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  setup = await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, 'worker-data') });
  engine = await startTestEngine('nftables', { live: setup });
});

afterAll(async () => {
  await engine?.stop();
  await lab?.destroy();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('a live run blocks the connection, a repeat is already done, and cancelling the run opens it again, leaving other rules alone', async () => {
  const before = await lab.tryConnect(host, link.b.v4, PORT);
  expect(before).toMatchObject({ connected: true, greeting: `hello from ${PORT}` });

  const workflowId = await engine.start(RUNBOOK, { cidrs: [`${link.b.v4}/32`] }, { mode: 'live' });
  const contained = await waitForState(() => getRunState(engine.client, workflowId), (s) => step(s, 'confirm-contained').status === 'waiting', 60_000);
  const block = step(contained, 'block-egress');
  expect(block).toMatchObject({ status: 'succeeded', alreadyDone: false, actor: expect.stringMatching(/^provider:live:/) });
  const output = block.output!;
  expect(output).toMatchObject({ provider: 'nftables', table: TABLE, chain: 'egress', cidrs: [`${link.b.v4}/32`], ports: [] });
  const ruleId = output.rule_id as string;
  expect(ruleId).toMatch(new RegExp(`^nftables:${TABLE}:[0-9a-f]{16}$`));
  const tag = ruleId.split(':')[2]!;
  const verified = output.verified as { rule_present: boolean; handle: number };
  expect(verified).toEqual({ rule_present: true, handle: expect.any(Number), hooks: ['output', 'forward'] });
  expect(step(contained, 'confirm-contained').manual?.task).toContain(`blocked by ${ruleId}`);

  // The same connection is now refused, at once (a reset, not a silent drop).
  const blocked = await lab.tryConnect(host, link.b.v4, PORT);
  expect(blocked).toMatchObject({ connected: false, error: 'ECONNREFUSED' });
  expect(blocked.elapsedMs).toBeLessThan(1_000);

  // The ruleset as nft itself lists it: the tagged jump under the reported handle, and the block's
  // counter having caught the refused SYN.
  const rules = await listNftRules(lab, host);
  const jumps = rules.filter((rule) => rule.table === TABLE && rule.chain === 'egress');
  expect(jumps).toEqual([expect.objectContaining({ handle: verified.handle, comment: `quell:${tag} step=block-egress run=${workflowId}` })]);
  const [tcpRule, otherRule, ...more] = rules.filter((rule) => rule.table === TABLE && rule.chain === `block_${tag}`);
  expect(more).toEqual([]);
  expect(tcpRule!.expr).toContainEqual({ reject: { type: 'tcp reset' } });
  expect(packetsCounted(tcpRule!)).toBe(1);
  expect(otherRule!.expr).toContainEqual({ reject: { type: 'icmpx', expr: 'admin-prohibited' } });

  // The request the workflow sent, performed again through the real activity: already done, nothing added.
  const activities = createActivities({ logger: runLogger('logger'), effectJournal: new FileEffectJournal(path.join(work, 'replay.jsonl')), live: setup });
  const repeated = (await new MockActivityEnvironment().run(activities['egress.block'], await scheduledBlock(workflowId))) as ActionResult;
  expect(repeated).toEqual({ output, alreadyDone: true, provider: 'live:egress.block' });
  expect((await listNftRules(lab, host)).filter((rule) => rule.table === TABLE && rule.chain === 'egress')).toHaveLength(1);

  await cancelRun(engine.client, workflowId, { actor: 'ivan.ic', via: 'cli', reason: 'the address was our own CDN' });
  const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
  expect(result.status).toBe('cancelled');
  expect(step(result.state, 'block-egress')).toMatchObject({
    status: 'compensated',
    compensation: { action: 'egress.unblock', status: 'succeeded', output: { rule_id: ruleId, removed_handles: [verified.handle], verified: { rule_present: false } } },
  });

  const bystanderPackets = async () => {
    const found = (await listNftRules(lab, host)).filter((rule) => rule.table === 'bystander');
    expect(found).toEqual([expect.objectContaining({ chain: 'output', comment: 'bystander' })]);
    return packetsCounted(found[0]!)!;
  };
  const countedBefore = await bystanderPackets();
  const after = await lab.tryConnect(host, link.b.v4, PORT);
  expect(after).toMatchObject({ connected: true, greeting: `hello from ${PORT}` });
  expect((await listNftRules(lab, host)).filter((rule) => rule.table === TABLE && (rule.chain === 'egress' || rule.chain.startsWith('block_')))).toEqual([]);
  // The other table's rule survived the unblock and still sees the traffic.
  expect(await bystanderPackets()).toBeGreaterThan(countedBefore);
});
