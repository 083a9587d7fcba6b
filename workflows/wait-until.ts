/** `condition` with an optional timeout: true when `ready` became true, false on timeout. Workflow-safe. */
import { condition } from '@temporalio/workflow';

export async function waitUntil(ready: () => boolean, timeoutMs?: number): Promise<boolean> {
  if (timeoutMs === undefined) {
    await condition(ready);
    return true;
  }
  return condition(ready, timeoutMs);
}
