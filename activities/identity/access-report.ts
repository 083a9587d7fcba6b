/**
 * `identity.access_report`: asks every system named in `access_report.systems` whether the person
 * still has access there, and reports each as removed, still present or unknown (with why). The
 * report is the step output; offboarding runbooks keep it as evidence in a following step.
 */
import type { ActionName } from '../../common/actions';
import type { ActionContext, ActionOutcome } from '../ports';
import type { Resolved } from '../live/config-file';
import type { AccessReportConfig } from '../live/config-schema';
import type { ConnectorNeeds, LiveActionProvider } from '../live/connector';
import type { AccessProbe } from '../live/contribution';

export interface AccessReportEntry {
  system: string;
  status: 'removed' | 'present' | 'unknown';
  detail: string;
}

export function createAccessReportProvider(config: Resolved<AccessReportConfig>, probes: readonly AccessProbe[]): LiveActionProvider {
  const probeFor = (system: string) => probes.find((probe) => probe.system === system);
  const systemsFor = (params: Record<string, unknown>): string[] =>
    Array.isArray(params.systems) ? (params.systems as string[]) : config.systems;
  return {
    name: 'live:identity.access_report',
    needs(_action: ActionName, params: Record<string, unknown>): ConnectorNeeds {
      const systems = systemsFor(params);
      return {
        connectors: systems.flatMap((system) => probeFor(system)?.connector ?? []),
        problems: systems
          .filter((system) => !probeFor(system))
          .map((system) => `access report system ${system} has no configured connector`),
      };
    },
    async perform(_action: ActionName, params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
      const principal = String(params.principal);
      const entries: AccessReportEntry[] = [];
      for (const system of systemsFor(params)) {
        context.heartbeat({ system });
        const probe = probeFor(system);
        entries.push(
          probe
            ? { system, ...(await probe.lookup(principal)) }
            : { system, status: 'unknown', detail: 'no connector configured for this system' },
        );
      }
      const remaining = entries.filter((entry) => entry.status !== 'removed').map((entry) => entry.system);
      return {
        output: {
          principal,
          checked_at: new Date().toISOString(),
          systems: entries,
          zero_remaining_access: remaining.length === 0,
          remaining,
        },
        // A report is a read: it is never "already done".
        alreadyDone: false,
      };
    },
  };
}
