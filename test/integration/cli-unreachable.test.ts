/** When Temporal cannot be reached, `quell` says so once, names the address and exits 1 without a trace. */
import net from 'node:net';
import os from 'node:os';
import { runQuell } from '../support/cli';

/** A loopback port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

it('an unreachable server is reported exactly once', async () => {
  const address = `127.0.0.1:${await closedPort()}`;
  const result = await runQuell(['status', 'quell:credential-compromise:INC-1'], { address, namespace: 'default', taskQueue: 'unused', dataDir: os.tmpdir() });
  expect(result.code).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines).toEqual([expect.stringContaining(`cannot reach Temporal at ${address}`)]);
});
