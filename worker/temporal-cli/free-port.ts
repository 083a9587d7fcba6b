/** Loopback port probing for the dev server's frontend and UI. */
import { once } from 'node:events';
import net from 'node:net';
import { EMBEDDED_SERVER_HOST } from '../../config/environment';

/** Returns a currently free TCP port on `ip` (other than `avoid`). */
export async function freePort(ip: string = EMBEDDED_SERVER_HOST, avoid: readonly number[] = []): Promise<number> {
  for (;;) {
    const server = net.createServer();
    server.listen(0, ip);
    await once(server, 'listening');
    const address = server.address();
    server.close();
    await once(server, 'close');
    if (address && typeof address === 'object' && !avoid.includes(address.port)) return address.port;
  }
}

/** True when `ip:port` can be bound right now. */
export function isPortFree(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
}
