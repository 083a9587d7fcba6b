/**
 * The nftables connector on real namespaces, through the live setup built from a
 * connectors file: IPv4 and IPv6 destinations, ports, routed traffic (the forward hook), repeats
 * (an unblock's retry through the activity envelope reports what is in effect), several blocks
 * side by side, self-repair of flushed hook chains, refused input, and how a missing nft, a
 * missing namespace, no permission and a transient kernel refusal are classified.
 *
 * Topology: `routed` ── `host` ── `server`. Quell's nft runs in `host`; `routed` reaches the server
 * only through `host`, which forwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApplicationFailure } from '@temporalio/common';
import type { ActionRequest } from '../../../activities/action-request';
import { createNftCommand } from '../../../connectors/nftables/nft-command';
import { nftFailure } from '../../../connectors/nftables/nft-failure';
import { buildLiveSetup } from '../../../activities/live-setup';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import type { LiveSetup } from '../../../activities/action-performer';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import type { ActionName } from '../../../common/actions';
import { ErrorType } from '../../../common/errors';
import { envelopeOver, retryAfterFirstAttemptDied } from '../../support/first-attempt-dies';
import { createNetworkLab, listNftRules, packetsCounted, type Link, type NetworkLab } from '../../support/netns';
import { runLogger } from '../../support/temporal';

const CONNECTORS = path.join(__dirname, '..', '..', 'fixtures', 'live', 'nftables-connectors.yaml');
const TABLE = 'quell_provider';
const [OPEN, BLOCKABLE] = [7401, 7402];
/** A blocked TCP connect is answered with a reset. */
const REFUSED = { connected: false, error: 'ECONNREFUSED' };

let lab: NetworkLab;
let host: string;
let server: string;
let routed: string;
let toServer: Link;
let toRouted: Link;
let work: string;
let setup: LiveSetup;
let setups = 0;

/** A live setup from the connectors fixture, with `extra` lines appended to the nftables section. */
async function liveSetup(options: { netns: string; table?: string; extra?: string }): Promise<LiveSetup> {
  setups += 1;
  const file = path.join(work, `connectors-${setups}.yaml`);
  const text = fs.readFileSync(CONNECTORS, 'utf8').replaceAll('TEST_TABLE', options.table ?? TABLE).replaceAll('TEST_NETNS', options.netns);
  fs.writeFileSync(file, `${text}${options.extra ?? ''}`);
  const loaded = loadConnectorsFile(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return await buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, `data-${setups}`) });
}

function perform(action: ActionName, params: Record<string, unknown>, idempotencyKey: string, on: LiveSetup = setup): Promise<ActionOutcome> {
  const context: ActionContext = { workflowId: 'quell:nft-provider:INC-1', runId: 'run-1', stepId: idempotencyKey.split('/')[0]!, mode: 'live', idempotencyKey, heartbeat: () => undefined };
  return on.actions[action]!.perform(action, params, context);
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    return error as ApplicationFailure;
  }
  throw new Error('expected a failure');
}

const rulesOf = async (table = TABLE) => (await listNftRules(lab, host)).filter((rule) => rule.table === table);
const jumpRules = async () => (await rulesOf()).filter((rule) => rule.chain === 'egress');
const tagOf = (outcome: ActionOutcome) => (outcome.output.rule_id as string).split(':')[2]!;

beforeAll(async () => {
  lab = await createNetworkLab();
  [host, server, routed] = [await lab.addNamespace('host'), await lab.addNamespace('server'), await lab.addNamespace('routed')];
  toServer = await lab.link(host, server);
  toRouted = await lab.link(routed, host);
  await lab.enableForwarding(host);
  await lab.addRoute(routed, toServer.v4Subnet, toRouted.b.v4);
  await lab.addRoute(routed, toServer.v6Subnet, toRouted.b.v6);
  await lab.addRoute(server, toRouted.v4Subnet, toServer.a.v4);
  await lab.addRoute(server, toRouted.v6Subnet, toServer.a.v6);
  await lab.startServers(server, [OPEN, BLOCKABLE]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-nft-provider-'));
  setup = await liveSetup({ netns: host });
  // Every path works before any block. (Generous timeouts: the first packets wait for neighbour discovery.)
  for (const [from, address] of [[host, toServer.b.v4], [host, toServer.b.v6], [routed, toServer.b.v4], [routed, toServer.b.v6]] as const) {
    expect({ from, address, ...(await lab.tryConnect(from, address, OPEN, 5_000)) }).toMatchObject({ from, address, connected: true });
    expect({ from, address, ...(await lab.tryDatagram(from, address, OPEN, 5_000)) }).toMatchObject({ from, address, answered: true });
  }
});

// Each test starts without Quell's table, whatever the previous one left (e.g. by failing half-way).
afterEach(async () => {
  await lab.exec(host, ['nft', 'delete', 'table', 'inet', TABLE]).catch(() => undefined);
});

afterAll(async () => {
  await lab?.destroy();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('IPv4 and IPv6 are matched separately: blocking the server\'s IPv6 address leaves its IPv4 address reachable', async () => {
  const blocked = await perform('egress.block', { provider: 'nftables', cidrs: [toServer.b.v6, '192.0.2.0/24'] }, 'v6-only/perform');
  expect(blocked.alreadyDone).toBe(false);
  expect(await lab.tryConnect(host, toServer.b.v6, OPEN)).toMatchObject(REFUSED);
  expect(await lab.tryDatagram(host, toServer.b.v6, OPEN)).toMatchObject({ answered: false });
  expect(await lab.tryConnect(host, toServer.b.v4, OPEN)).toMatchObject({ connected: true });
  expect(await lab.tryDatagram(host, toServer.b.v4, OPEN)).toMatchObject({ answered: true });
  const chain = (await rulesOf()).filter((rule) => rule.chain === `block_${tagOf(blocked)}`);
  expect(chain.map((rule) => JSON.stringify(rule.expr).match(/"protocol":"(ip6?)"/)?.[1])).toEqual(['ip', 'ip', 'ip6', 'ip6']);
  // One refused SYN and one refused datagram, both to the IPv6 address.
  expect(chain.map(packetsCounted)).toEqual([0, 0, 1, 1]);

  const unblocked = await perform('egress.unblock', { provider: 'nftables', rule_id: blocked.output.rule_id }, 'v6-only/compensate');
  expect(unblocked).toMatchObject({ alreadyDone: false, output: { verified: { rule_present: false } } });
  expect(await lab.tryConnect(host, toServer.b.v6, OPEN)).toMatchObject({ connected: true });
  expect(await lab.tryDatagram(host, toServer.b.v6, OPEN)).toMatchObject({ answered: true });
});

test('with ports, only TCP and UDP to those ports are blocked', async () => {
  const blocked = await perform('egress.block', { provider: 'nftables', cidrs: [toServer.v4Subnet, toServer.v6Subnet], ports: [BLOCKABLE] }, 'ports/perform');
  expect(blocked.output).toMatchObject({ cidrs: [toServer.v4Subnet, toServer.v6Subnet], ports: [BLOCKABLE] });
  for (const address of [toServer.b.v4, toServer.b.v6]) {
    expect(await lab.tryConnect(host, address, BLOCKABLE)).toMatchObject(REFUSED);
    expect(await lab.tryDatagram(host, address, BLOCKABLE)).toMatchObject({ answered: false });
    expect(await lab.tryConnect(host, address, OPEN)).toMatchObject({ connected: true, greeting: `hello from ${OPEN}` });
    expect(await lab.tryDatagram(host, address, OPEN)).toMatchObject({ answered: true });
  }
  await perform('egress.unblock', { rule_id: blocked.output.rule_id }, 'ports/compensate');
  expect(await lab.tryConnect(host, toServer.b.v4, BLOCKABLE)).toMatchObject({ connected: true });
});

test('traffic the host routes for others is blocked too (forward hook)', async () => {
  const blocked = await perform('egress.block', { provider: 'nftables', cidrs: [toServer.v4Subnet, toServer.v6Subnet] }, 'routed/perform');
  for (const address of [toServer.b.v4, toServer.b.v6]) {
    const attempt = await lab.tryConnect(routed, address, OPEN);
    expect(attempt).toMatchObject(REFUSED);
    expect(attempt.elapsedMs).toBeLessThan(1_000);
    expect(await lab.tryDatagram(routed, address, OPEN)).toMatchObject({ answered: false });
  }
  await perform('egress.unblock', { rule_id: blocked.output.rule_id }, 'routed/compensate');
  for (const address of [toServer.b.v4, toServer.b.v6]) {
    expect(await lab.tryConnect(routed, address, OPEN)).toMatchObject({ connected: true });
    expect(await lab.tryDatagram(routed, address, OPEN)).toMatchObject({ answered: true });
  }
});

test('repeats are already done: the same step blocks once, and an unblock of a block that is gone changes nothing', async () => {
  const params = { provider: 'nftables', cidrs: [`${toServer.b.v4}/32`] };
  const first = await perform('egress.block', params, 'repeat/perform');
  const second = await perform('egress.block', params, 'repeat/perform');
  expect(first.alreadyDone).toBe(false);
  expect(second).toEqual({ output: first.output, alreadyDone: true });
  expect(await jumpRules()).toEqual([expect.objectContaining({ handle: (first.output.verified as { handle: number }).handle })]);

  // Two attempts of one step racing (a retry while a slow first attempt still runs) can both add
  // the jump rule; the unblock must remove every copy. Make that state by hand.
  const jump = (await jumpRules())[0]!;
  await lab.exec(host, ['nft', 'add', 'rule', 'inet', TABLE, 'egress', 'jump', `block_${tagOf(first)}`, 'comment', `"${jump.comment!}"`]);
  expect(await jumpRules()).toHaveLength(2);

  // Without `provider`: routed by the rule id's prefix, as a compensation would be.
  const removed = await perform('egress.unblock', { rule_id: first.output.rule_id }, 'repeat/compensate');
  const again = await perform('egress.unblock', { rule_id: first.output.rule_id }, 'repeat/compensate');
  expect(removed.alreadyDone).toBe(false);
  expect(removed.output.removed_handles).toEqual([jump.handle, expect.any(Number)]);
  // Which handles the block had is gone with it: unknown, not "none".
  expect(again).toEqual({
    alreadyDone: true,
    output: { ...removed.output, removed_handles: null, unknown_fields: ['removed_handles'], unknown_because: expect.stringContaining(`table inet ${TABLE}`) as string },
  });
  expect(await jumpRules()).toEqual([]);
  expect(await lab.tryConnect(host, toServer.b.v4, OPEN)).toMatchObject({ connected: true });
});

test('an unblock whose first attempt removed the block and died: the retry reports the block gone, its handles unknown, found on retry', async () => {
  const blocked = await perform('egress.block', { provider: 'nftables', cidrs: [`${toServer.b.v4}/32`] }, 'retried/perform');
  const request: ActionRequest = {
    action: 'egress.unblock',
    params: { rule_id: blocked.output.rule_id },
    ...{ workflowId: 'quell:nft-provider:INC-1', runId: 'run-1', stepId: 'retried', mode: 'live', idempotencyKey: 'retried/compensate', purpose: 'compensate' },
  };
  // Attempt 1 removes the block and dies before reporting; attempt 2 runs through the envelope.
  const retry = await retryAfterFirstAttemptDied(envelopeOver(setup, work), request);
  expect(retry).toEqual({
    provider: 'live:egress.unblock',
    alreadyDone: true,
    output: {
      ...{ provider: 'nftables', rule_id: blocked.output.rule_id, table: TABLE, chain: 'egress' },
      removed_handles: null,
      verified: { rule_present: false },
      unknown_fields: ['removed_handles'],
      unknown_because: expect.stringContaining(`no rule or chain of this block is in table inet ${TABLE}`) as string,
      found_on_retry: true,
      found_on_attempt: 2,
      effect_by: 'this-run',
      effect_evidence: expect.stringContaining('attempt 1 started it and never reported back') as string,
    },
  });
  expect(await jumpRules()).toEqual([]);
  expect(await lab.tryConnect(host, toServer.b.v4, OPEN)).toMatchObject({ connected: true });
});

test('unblocking one block leaves the others in place', async () => {
  const params = { provider: 'nftables', cidrs: [`${toServer.b.v4}/32`] };
  const mine = await perform('egress.block', params, 'mine/perform');
  const theirs = await perform('egress.block', params, 'theirs/perform');
  expect(mine.output.rule_id).not.toBe(theirs.output.rule_id);
  expect(await jumpRules()).toHaveLength(2);

  await perform('egress.unblock', { rule_id: mine.output.rule_id }, 'mine/compensate');
  expect((await jumpRules()).map((rule) => rule.comment?.split(' ')[0])).toEqual([`quell:${tagOf(theirs)}`]);
  expect(await lab.tryConnect(host, toServer.b.v4, OPEN)).toMatchObject(REFUSED);

  await perform('egress.unblock', { rule_id: theirs.output.rule_id }, 'theirs/compensate');
  expect(await lab.tryConnect(host, toServer.b.v4, OPEN)).toMatchObject({ connected: true });
});

test('blocks of parallel steps all land, each once, and the hook chains stay single', async () => {
  const steps = ['p1', 'p2', 'p3', 'p4', 'p5'];
  const outcomes = await Promise.all(steps.map((id) => perform('egress.block', { provider: 'nftables', cidrs: [`${toServer.b.v4}/32`] }, `${id}/perform`)));
  expect(outcomes.map((outcome) => outcome.alreadyDone)).toEqual(steps.map(() => false));
  expect((await jumpRules()).map((rule) => rule.comment?.split(' ')[0]).sort()).toEqual(outcomes.map((outcome) => `quell:${tagOf(outcome)}`).sort());
  const hookRules = (await rulesOf()).filter((rule) => rule.chain === 'output' || rule.chain === 'forward');
  expect(hookRules.map((rule) => `${rule.chain} ${JSON.stringify(rule.expr)}`)).toEqual([
    'output [{"match":{"op":"==","left":{"meta":{"key":"oifname"}},"right":"lo"}},{"accept":null}]',
    'output [{"jump":{"target":"egress"}}]',
    'forward [{"jump":{"target":"egress"}}]',
  ]);
  await Promise.all(outcomes.map((outcome, index) => perform('egress.unblock', { rule_id: outcome.output.rule_id }, `${steps[index]!}/compensate`)));
  expect(await jumpRules()).toEqual([]);
  expect(await lab.tryConnect(host, toServer.b.v4, OPEN)).toMatchObject({ connected: true });
});

test('a repeat restores a block someone disabled by hand (hook chain or block chain flushed)', async () => {
  const params = { provider: 'nftables', cidrs: [`${toServer.b.v4}/32`] };
  const blocked = await perform('egress.block', params, 'repair/perform');
  const handle = (blocked.output.verified as { handle: number }).handle;
  for (const chain of ['output', `block_${tagOf(blocked)}`]) {
    await lab.exec(host, ['nft', 'flush', 'chain', 'inet', TABLE, chain]);
    expect({ chain, ...(await lab.tryConnect(host, toServer.b.v4, OPEN)) }).toMatchObject({ chain, connected: true });

    const repaired = await perform('egress.block', params, 'repair/perform');
    expect(repaired).toEqual({ alreadyDone: false, output: blocked.output });
    expect((await jumpRules()).map((rule) => rule.handle)).toEqual([handle]);
    expect({ chain, ...(await lab.tryConnect(host, toServer.b.v4, OPEN)) }).toMatchObject({ chain, ...REFUSED });
  }
  await perform('egress.unblock', { rule_id: blocked.output.rule_id }, 'repair/compensate');
});

test('bad destinations and rule ids are refused as invalid input before nft changes anything', async () => {
  const before = await listNftRules(lab, host);
  const badCidrs = await failureOf(
    perform('egress.block', { provider: 'nftables', cidrs: ['10.213.0.300', 'attacker.example', '10.0.0.5/8', '2001:db8::/129', `${toServer.b.v4}/32`] }, 'bad/perform'),
  );
  expect(badCidrs).toMatchObject({ type: ErrorType.InvalidInput, nonRetryable: true });
  for (const bad of ['10.213.0.300', 'attacker.example', '10.0.0.5/8', '2001:db8::/129']) expect(badCidrs.message).toContain(`"${bad}"`);
  expect(badCidrs.message).toContain('host bits set');

  for (const ruleId of ['nftables:quell_provider:not-a-tag', `nftables:elsewhere:${'0'.repeat(16)}`]) {
    expect(await failureOf(perform('egress.unblock', { rule_id: ruleId }, 'bad/compensate'))).toMatchObject({ type: ErrorType.InvalidInput, nonRetryable: true });
  }
  const nothing = await perform('egress.block', { provider: 'nftables', cidrs: [] }, 'empty/perform');
  expect(nothing).toMatchObject({ alreadyDone: true, output: { verified: { rule_present: false, nothing_to_block: true } } });
  expect(await listNftRules(lab, host)).toEqual(before);
});

describe('the nftables connector', () => {
  test('passes its probes in a fresh namespace and leaves no table behind', async () => {
    const fresh = await lab.addNamespace('probe');
    const probes = await (await liveSetup({ netns: fresh, table: 'quell_probe' })).connectors.get('nftables')!.check();
    expect(probes.map((probe) => [probe.name, probe.ok])).toEqual([
      ['nft runnable', true],
      ['list ruleset', true],
      ['create table', true],
    ]);
    expect(probes[1]!.detail).toContain('not created yet');
    expect(await lab.exec(fresh, ['nft', 'list', 'tables'])).toBe('');
  });

  test('without nft: the probe says how to fix it, and a block fails as not configured, not retried', async () => {
    const missing = await liveSetup({ netns: host, extra: '  nft_path: /nonexistent/sbin/nft\n' });
    const probes = await missing.connectors.get('nftables')!.check();
    expect(probes).toEqual([{ name: 'nft runnable', ok: false, detail: expect.stringContaining('install nftables or set nftables.nft_path') }]);
    const failure = await failureOf(perform('egress.block', { provider: 'nftables', cidrs: ['192.0.2.1'] }, 'missing/perform', missing));
    expect(failure).toMatchObject({ type: ErrorType.NotConfigured, nonRetryable: true });
  });

  test('in a namespace that does not exist: not configured, naming the namespace', async () => {
    const nowhere = await liveSetup({ netns: `${host}-gone` });
    const failure = await failureOf(perform('egress.block', { provider: 'nftables', cidrs: ['192.0.2.1'] }, 'nowhere/perform', nowhere));
    expect(failure).toMatchObject({ type: ErrorType.NotConfigured, nonRetryable: true });
    expect(failure.message).toContain(`network namespace ${host}-gone does not exist`);
  });

  test('without CAP_NET_ADMIN: the probes and the block report permission denied, not retried', async () => {
    // nft run as an unprivileged user: the kernel itself refuses.
    const wrapper = path.join(work, 'nft-as-nobody');
    fs.writeFileSync(wrapper, '#!/bin/sh\nexec setpriv --reuid 65534 --regid 65534 --clear-groups nft "$@"\n', { mode: 0o755 });
    const unprivileged = await liveSetup({ netns: host, extra: `  nft_path: ${wrapper}\n` });
    const probes = await unprivileged.connectors.get('nftables')!.check();
    expect(probes.map((probe) => [probe.name, probe.ok])).toEqual([
      ['nft runnable', true],
      ['list ruleset', false],
      ['create table', false],
    ]);
    expect(probes[1]!.detail).toContain('CAP_NET_ADMIN');
    const failure = await failureOf(perform('egress.block', { provider: 'nftables', cidrs: ['192.0.2.1'] }, 'nobody/perform', unprivileged));
    expect(failure).toMatchObject({ type: ErrorType.AuthFailed, nonRetryable: true });
    expect(failure.message).toMatch(/^nftables: block egress to 192\.0\.2\.1 in table inet quell_provider: permission denied in network namespace .*CAP_NET_ADMIN/);
  });

  test('a refusal that may pass (a chain still in use) is classified as retryable', async () => {
    await perform('egress.block', { provider: 'nftables', cidrs: ['192.0.2.7'] }, 'busy/perform');
    const nft = createNftCommand({ netns: host });
    // The hook chains jump to `egress`, so the kernel refuses to delete it: EBUSY.
    const refusal = await failureOf(nft.run(['delete', 'chain', 'inet', TABLE, 'egress']));
    const failure = nftFailure({ connector: 'nftables', operation: 'delete chain' }, nft, refusal);
    expect(failure).toMatchObject({ type: ErrorType.Unavailable, nonRetryable: false });
    expect(failure.message).toContain('Device or resource busy');
  });
});
