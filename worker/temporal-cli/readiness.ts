/**
 * When is a freshly spawned dev server ready? When its frontend answers `describeNamespace` and
 * lists every requested search attribute, before the deadline and before the process exits.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { DevServerStartError } from './errors';
import type { SpawnedServer } from './spawn-server';

/**
 * Polls the frontend (every 250 ms at most) until it is ready.
 *
 * @throws DevServerStartError with the server's output tail when the process exits first or the
 *   deadline passes.
 */
export async function waitUntilReady(
  server: SpawnedServer,
  address: string,
  namespace: string,
  searchAttributeNames: readonly string[],
  deadlineMs: number,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let lastProblem = 'no answer yet';
  const exited = server.exited.then((how) => ({ exited: how }));
  while (Date.now() < deadline) {
    const remaining = deadline - Date.now();
    const outcome = await Promise.race([probeFrontend(address, namespace, searchAttributeNames, remaining), exited]);
    if (typeof outcome === 'object') {
      throw new DevServerStartError(`server ${outcome.exited} before it was ready. Output:\n${server.tail()}`);
    }
    if (outcome === undefined) return;
    lastProblem = outcome;
    await delay(Math.min(250, Math.max(0, deadline - Date.now())));
  }
  throw new DevServerStartError(
    `server at ${address} not ready after ${deadlineMs} ms (${lastProblem}). Output:\n${server.tail() || '(none)'}`,
  );
}

/** Undefined when the frontend is ready, otherwise what is still missing. */
async function probeFrontend(
  address: string,
  namespace: string,
  searchAttributeNames: readonly string[],
  remainingMs: number,
): Promise<string | undefined> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: Math.max(100, Math.min(2_000, remainingMs)) });
    await connection.workflowService.describeNamespace({ namespace });
    // Registration happens during start-up; a test that sets an attribute must not race it.
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = searchAttributeNames.filter((name) => !(customAttributes && name in customAttributes));
    return missing.length === 0 ? undefined : `search attributes not registered yet: ${missing.join(', ')}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
