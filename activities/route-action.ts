/**
 * Routes a routed action (see connectors/definition.ts) to the system its step names in
 * `with.provider`. `egress.unblock` may omit it: rule ids start with the system (`nftables:…`,
 * `aws-sg:…`). The messages for a system that is not configured name the connectors-file
 * section to add, from the registry.
 */
import type { ActionName } from '../common/actions';
import { connectorsById, sectionName } from '../connectors/catalogue';
import type { ConnectorNeeds } from '../connectors/connector';
import type { LiveAction } from './action-performer';
import type { ActionHandler, ConnectorDefinition, RoutedAction } from '../connectors/definition';
import { notConfiguredFailure } from '../connectors/failures';
import type { ActionContext, ActionOutcome } from '../connectors/action-context';
import { CONNECTORS } from '../connectors/registry';

/** The system a step selects: `with.provider`, or the prefix of an `egress.unblock` rule id. */
export function selectedSystem(params: Record<string, unknown>): string | undefined {
  if (typeof params.provider === 'string') return params.provider;
  if (typeof params.rule_id === 'string' && params.rule_id.includes(':')) return params.rule_id.split(':')[0];
  return undefined;
}

interface Route {
  /** The connector (probes) the handler needs healthy. */
  connector: string;
  handler: ActionHandler;
}

/** The live performer of one routed action: hands each step to the handler of the system it names. */
export class ActionRouter implements LiveAction {
  readonly name: string;
  private readonly routes = new Map<string, Route>();
  private readonly known: ReadonlyMap<string, ConnectorDefinition>;

  constructor(
    private readonly action: RoutedAction,
    connectors: readonly ConnectorDefinition[] = CONNECTORS,
  ) {
    this.name = `live:${action}`;
    this.known = connectorsById(connectors);
  }

  add(system: string, connector: string, handler: ActionHandler): this {
    if (this.routes.has(system)) throw new Error(`two handlers for ${this.action} on ${system}`);
    this.routes.set(system, { connector, handler });
    return this;
  }

  get size(): number {
    return this.routes.size;
  }

  needs(_action: ActionName, params: Record<string, unknown>): ConnectorNeeds {
    const system = selectedSystem(params);
    // Not known before the run (it reads a step output): it must be one of the configured ones.
    if (system === undefined) return { connectors: [...new Set([...this.routes.values()].map((r) => r.connector))], problems: [] };
    const route = this.routes.get(system);
    if (!route) return { connectors: [], problems: [notConfiguredMessage(this.action, system, this.known)] };
    return { connectors: [route.connector], problems: [] };
  }

  async perform(action: ActionName, params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
    const system = selectedSystem(params);
    const route = system === undefined ? undefined : this.routes.get(system);
    if (!route) {
      throw notConfiguredFailure(
        { connector: system ?? '(none)', operation: action },
        system === undefined ? 'the step names no provider' : notConfiguredMessage(this.action, system, this.known),
      );
    }
    // The activity validated `params` against the action's schema before routing.
    return route.handler.perform(params as never, context);
  }
}

/**
 * "provider scim is not configured for sessions.revoke (add the `scim:` section …)": worded after
 * the runbook key the step wrote (`provider: scim`).
 */
export function notConfiguredMessage(action: RoutedAction, system: string, known: ReadonlyMap<string, ConnectorDefinition> = connectorsById()): string {
  const definition = known.get(system);
  const serves = definition?.routed?.[action] !== undefined;
  const hint = definition && serves ? ` (add the \`${sectionName(definition)}:\` section to the connectors file)` : definition ? ` (${system} does not perform ${action})` : '';
  return `provider ${system} is not configured for ${action}${hint}`;
}
