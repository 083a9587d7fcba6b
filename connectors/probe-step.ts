/**
 * Runs one connector probe so that `Connector.check()` can keep its promise of never rejecting:
 * a thrown failure becomes a failed probe whose detail is the (already secret-free) message.
 */
import type { ConnectorProbe } from './connector';

export async function probeStep(name: string, run: () => Promise<{ ok: boolean; detail: string }>): Promise<ConnectorProbe> {
  try {
    return { name, ...(await run()) };
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Same idea for access probes: an error is an `unknown` answer with the reason. */
export async function accessLookup(
  run: () => Promise<{ status: 'removed' | 'present' | 'unknown'; detail: string }>,
): Promise<{ status: 'removed' | 'present' | 'unknown'; detail: string }> {
  try {
    return await run();
  } catch (error) {
    return { status: 'unknown', detail: `could not check: ${error instanceof Error ? error.message : String(error)}` };
  }
}
