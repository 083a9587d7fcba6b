/**
 * `identity.access_report`: asks every system named in the step's `systems` (default:
 * `access_report.systems` of the connectors file) whether the person still has access there.
 *
 * The person is `principal` everywhere unless `identities` names them differently in a system
 * (a GitHub login, an OpenBao accessor); `identities.<system>: null` says they never had an
 * account there, which is reported as `no-account` without asking. Each system answers removed,
 * present or unknown (with why); a system with no connector is unknown. The report is the step
 * output — offboarding keeps it as evidence — with counts the runbook can show:
 * `remaining` (present), `unknown`, and `zero_remaining_access` only when every system is
 * removed or no-account.
 *
 * A read: never "already done", safe to retry, and each probe turns its own errors into unknown.
 */
import type { ActionName } from '../../common/actions';
import type { ActionContext, ActionOutcome } from '../../connectors/action-context';
import type { Resolved } from '../../connectors/connectors-file';
import type { AccessReportConfig } from '../../connectors/connectors-file-schema';
import type { ConnectorNeeds } from '../../connectors/connector';
import type { LiveAction } from '../action-performer';
import type { AccessProbe } from '../../connectors/definition';

export interface AccessReportEntry {
  system: string;
  /** The name asked about in this system; null when `identities` says there is no account. */
  identity: string | null;
  status: 'removed' | 'present' | 'unknown' | 'no-account';
  detail: string;
}

/** Identity per system, as the step gives it: a name, or null for "no account there". */
type Identities = Record<string, string | null>;

/** A system's access probe, with the system it answers for and the connector it needs healthy. */
export interface SystemAccessProbe extends AccessProbe {
  /** As `access_report.systems` and `identities` name it: aws-iam, scim, github, openbao. */
  system: string;
  connector: string;
}

/** The live `identity.access_report` action, over the probes the live setup collected. */
export function createAccessReportAction(config: Resolved<AccessReportConfig>, probes: readonly SystemAccessProbe[]): LiveAction {
  const probeFor = (system: string) => probes.find((probe) => probe.system === system);
  const systemsFor = (params: Record<string, unknown>): string[] =>
    Array.isArray(params.systems) ? (params.systems as string[]) : config.systems;
  const identitiesOf = (params: Record<string, unknown>): Identities =>
    params.identities !== null && typeof params.identities === 'object' ? (params.identities as Identities) : {};

  return {
    name: 'live:identity.access_report',
    needs(_action: ActionName, params: Record<string, unknown>): ConnectorNeeds {
      const identities = identitiesOf(params);
      const asked = systemsFor(params).filter((system) => identities[system] !== null);
      return {
        connectors: asked.flatMap((system) => probeFor(system)?.connector ?? []),
        problems: asked.filter((system) => !probeFor(system)).map((system) => `access report system ${system} has no configured connector`),
      };
    },
    async perform(_action: ActionName, params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
      const principal = String(params.principal);
      const identities = identitiesOf(params);
      const systems = systemsFor(params);
      context.heartbeat({ systems });
      const entries = await Promise.all(systems.map((system) => reportOn(system, identities[system], principal, probeFor(system))));
      const withStatus = (status: AccessReportEntry['status']) => entries.filter((entry) => entry.status === status).map((entry) => entry.system);
      return {
        output: {
          principal,
          checked_at: new Date().toISOString(),
          systems: entries,
          zero_remaining_access: entries.every((entry) => entry.status === 'removed' || entry.status === 'no-account'),
          remaining: withStatus('present').length,
          unknown: withStatus('unknown').length,
          remaining_systems: withStatus('present'),
          unknown_systems: withStatus('unknown'),
        },
        alreadyDone: false,
      };
    },
  };
}

async function reportOn(system: string, named: string | null | undefined, principal: string, probe: SystemAccessProbe | undefined): Promise<AccessReportEntry> {
  if (named === null) return { system, identity: null, status: 'no-account', detail: `identities.${system} is null: no account there, not checked` };
  const identity = named ?? principal;
  if (!probe) return { system, identity, status: 'unknown', detail: 'no connector configured for this system' };
  return { system, identity, ...(await probe.lookup(identity)) };
}
