/**
 * Throw-away networks for tests that need real packets: network namespaces joined by veth pairs,
 * with addresses in 10.213.<n>.0/24 and fd00:213:<n>::/48 (one random <n> per lab, a /30 and a
 * /64 per link). Each namespace has its own interfaces and routes, so nothing here can collide
 * with or reach the host's network; the random <n> only keeps listings of parallel labs apart.
 *
 * ```ts
 * const lab = await createNetworkLab();
 * const client = await lab.addNamespace('client');
 * const server = await lab.addNamespace('server');
 * const link = await lab.link(client, server);
 * await lab.startServers(server, [7301]);
 * expect((await lab.tryConnect(client, link.b.v4, 7301)).connected).toBe(true);
 * await lab.destroy(); // in afterAll: servers stopped, namespaces (and their veths) deleted
 * ```
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Namespaces are named `qlab-<pid>-<n>-<role>`; the pid lets a later run remove what a crashed one left. */
const NAME = /^qlab-(\d+)-/;

export interface LinkEnd {
  /** The interface name inside its namespace. */
  device: string;
  v4: string;
  v6: string;
}

export interface Link {
  a: LinkEnd;
  b: LinkEnd;
  /** The link's subnets, e.g. 10.213.7.4/30 and fd00:213:7:1::/64. */
  v4Subnet: string;
  v6Subnet: string;
}

export interface ConnectAttempt {
  connected: boolean;
  /** What the server sent (the servers here greet with `hello from <port>`). */
  greeting?: string;
  /** The socket error when not connected (EHOSTUNREACH, ECONNREFUSED, TIMEOUT…). */
  error?: string;
  elapsedMs: number;
}

export interface DatagramAttempt {
  /** True when the server echoed the datagram back. */
  answered: boolean;
  /** The socket error when not answered (an ICMP refusal such as EHOSTUNREACH, or TIMEOUT). */
  error?: string;
  elapsedMs: number;
}

export interface NetworkLab {
  /** Creates a namespace with loopback up; returns its name. */
  addNamespace(role: string): Promise<string>;
  /** Joins two namespaces with a veth pair and gives each end an IPv4 and an IPv6 address. */
  link(a: string, b: string): Promise<Link>;
  /** Lets `namespace` route between its links (IPv4 and IPv6 forwarding). */
  enableForwarding(namespace: string): Promise<void>;
  /** Adds a route in `namespace` to `destination` via `gateway` (IPv4 or IPv6). */
  addRoute(namespace: string, destination: string, gateway: string): Promise<void>;
  /** Runs a program inside `namespace` and resolves with its stdout; rejects on a non-zero exit. */
  exec(namespace: string, argv: readonly string[], stdin?: string): Promise<string>;
  /**
   * Serves `ports` (IPv4 and IPv6) inside `namespace`: over TCP it greets (`hello from <port>`) and
   * closes; over UDP it echoes each datagram.
   */
  startServers(namespace: string, ports: readonly number[]): Promise<void>;
  /** Attempts one TCP connection from inside `namespace`; never rejects. */
  tryConnect(namespace: string, host: string, port: number, timeoutMs?: number): Promise<ConnectAttempt>;
  /** Sends one UDP datagram from inside `namespace` and waits for its echo; never rejects. */
  tryDatagram(namespace: string, host: string, port: number, timeoutMs?: number): Promise<DatagramAttempt>;
  /** Stops the servers and deletes the namespaces. Safe to call twice. */
  destroy(): Promise<void>;
}

const SERVER_SCRIPT = `
const net = require('node:net');
const dgram = require('node:dgram');
const ports = process.argv.slice(1).map(Number);
let listening = 0;
const ready = () => { listening += 1; if (listening === 2 * ports.length) process.stdout.write('ready\\n'); };
for (const port of ports) {
  net.createServer((socket) => socket.end('hello from ' + port)).listen({ port, host: '::', ipv6Only: false }, ready);
  const udp = dgram.createSocket({ type: 'udp6', ipv6Only: false });
  udp.on('message', (message, from) => udp.send(message, from.port, from.address));
  udp.bind(port, '::', ready);
}`;

const CLIENT_SCRIPT = `
const net = require('node:net');
const [host, port, timeoutMs] = process.argv.slice(1);
const started = Date.now();
let greeting = '';
const report = (result) => { process.stdout.write(JSON.stringify({ ...result, elapsedMs: Date.now() - started })); process.exit(0); };
const socket = net.connect({ host, port: Number(port) });
socket.setTimeout(Number(timeoutMs), () => report({ connected: false, error: 'TIMEOUT' }));
socket.on('data', (chunk) => { greeting += chunk; });
socket.on('end', () => report({ connected: true, greeting }));
socket.on('error', (error) => report({ connected: false, error: error.code || error.message }));`;

const DATAGRAM_SCRIPT = `
const dgram = require('node:dgram');
const [host, port, timeoutMs] = process.argv.slice(1);
const started = Date.now();
const report = (result) => { process.stdout.write(JSON.stringify({ ...result, elapsedMs: Date.now() - started })); process.exit(0); };
const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
setTimeout(() => report({ answered: false, error: 'TIMEOUT' }), Number(timeoutMs));
socket.on('message', () => report({ answered: true }));
socket.on('error', (error) => report({ answered: false, error: error.code || error.message }));
// Connected, so the kernel hands ICMP refusals for this destination to the socket.
socket.connect(Number(port), host, () => socket.send('ping'));`;

/** Creates an empty lab (and first removes namespaces that earlier, crashed test processes left). */
export async function createNetworkLab(): Promise<NetworkLab> {
  await removeAbandonedNamespaces();
  const subnet = randomInt(0, 256);
  const prefix = `qlab-${process.pid}-${randomInt(0, 1_000_000)}`;
  const namespaces: string[] = [];
  const servers: ChildProcess[] = [];
  let links = 0;

  const ip = (args: readonly string[]) => run('ip', [...args]);
  const exec: NetworkLab['exec'] = (namespace, argv, stdin) =>
    new Promise((resolve, reject) => {
      const child = execFile('ip', ['netns', 'exec', namespace, ...argv], (error, stdout, stderr) => {
        if (error) reject(new Error(`${argv.join(' ')} in ${namespace} failed: ${stderr || error.message}`));
        else resolve(stdout);
      });
      child.stdin?.end(stdin ?? '');
    });

  return {
    async addNamespace(role) {
      const name = `${prefix}-${role}`;
      await ip(['netns', 'add', name]);
      namespaces.push(name);
      await ip(['-n', name, 'link', 'set', 'lo', 'up']);
      return name;
    },

    async link(a, b) {
      if (links >= 64) throw new Error('a lab has room for 64 links');
      const index = links;
      links += 1;
      // veth names are limited to 15 characters and live only inside the namespaces.
      const [deviceA, deviceB] = [`veth${index}a`, `veth${index}b`];
      await ip(['link', 'add', deviceA, 'netns', a, 'type', 'veth', 'peer', 'name', deviceB, 'netns', b]);
      const base = index * 4;
      const v4 = (host: number) => `10.213.${subnet}.${base + host}`;
      const v6 = (host: number) => `fd00:213:${subnet.toString(16)}:${index.toString(16)}::${host}`;
      for (const [namespace, device, host] of [[a, deviceA, 1], [b, deviceB, 2]] as const) {
        await ip(['-n', namespace, 'addr', 'add', `${v4(host)}/30`, 'dev', device]);
        // nodad: the address is usable at once instead of after duplicate detection (a second or more).
        await ip(['-n', namespace, '-6', 'addr', 'add', `${v6(host)}/64`, 'dev', device, 'nodad']);
        await ip(['-n', namespace, 'link', 'set', device, 'up']);
      }
      return {
        a: { device: deviceA, v4: v4(1), v6: v6(1) },
        b: { device: deviceB, v4: v4(2), v6: v6(2) },
        v4Subnet: `10.213.${subnet}.${base}/30`,
        v6Subnet: `fd00:213:${subnet.toString(16)}:${index.toString(16)}::/64`,
      };
    },

    async enableForwarding(namespace) {
      await exec(namespace, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    },

    async addRoute(namespace, destination, gateway) {
      await ip(['-n', namespace, ...(destination.includes(':') ? ['-6'] : []), 'route', 'add', destination, 'via', gateway]);
    },

    exec,

    async startServers(namespace, ports) {
      const server = spawn('ip', ['netns', 'exec', namespace, process.execPath, '-e', SERVER_SCRIPT, ...ports.map(String)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        let stderr = '';
        const timer = setTimeout(() => reject(new Error(`servers in ${namespace} not ready after 10 s: ${stderr}`)), 10_000);
        server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        server.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
        server.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`servers in ${namespace} exited (${String(code)}): ${stderr}`));
        });
      });
    },

    async tryConnect(namespace, host, port, timeoutMs = 2_000) {
      const stdout = await exec(namespace, [process.execPath, '-e', CLIENT_SCRIPT, host, String(port), String(timeoutMs)]);
      return JSON.parse(stdout) as ConnectAttempt;
    },

    async tryDatagram(namespace, host, port, timeoutMs = 1_000) {
      const stdout = await exec(namespace, [process.execPath, '-e', DATAGRAM_SCRIPT, host, String(port), String(timeoutMs)]);
      return JSON.parse(stdout) as DatagramAttempt;
    },

    async destroy() {
      // `ip netns exec` execs the program itself, so these pids are the node servers.
      for (const server of servers.splice(0)) if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      for (const name of namespaces.splice(0).reverse()) await ip(['netns', 'delete', name]).catch(() => undefined);
    },
  };
}

/** Deletes `qlab-<pid>-…` namespaces whose test process no longer exists. */
async function removeAbandonedNamespaces(): Promise<void> {
  const { stdout } = await run('ip', ['netns', 'list']);
  for (const name of stdout.split('\n').map((line) => line.split(' ')[0] ?? '')) {
    const pid = NAME.exec(name)?.[1];
    if (pid && !processExists(Number(pid))) await run('ip', ['netns', 'delete', name]).catch(() => undefined);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One rule as `nft -j -a list ruleset` shows it, for tests to check independently of the code under test. */
export interface ListedNftRule {
  family: string;
  table: string;
  chain: string;
  handle: number;
  comment?: string;
  expr: Array<Record<string, unknown>>;
}

/** Every rule in `namespace`'s ruleset, read with nft's JSON output. */
export async function listNftRules(lab: NetworkLab, namespace: string): Promise<ListedNftRule[]> {
  const listing = JSON.parse(await lab.exec(namespace, ['nft', '-j', '-a', 'list', 'ruleset'])) as { nftables: Array<{ rule?: ListedNftRule }> };
  return listing.nftables.flatMap((object) => (object.rule ? [object.rule] : []));
}

/** Packets counted by the rule's `counter` statement (undefined when it has none). */
export function packetsCounted(rule: ListedNftRule): number | undefined {
  const counter = rule.expr.find((expr) => 'counter' in expr)?.counter as { packets: number } | undefined;
  return counter?.packets;
}
