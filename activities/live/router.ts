/**
 * Routes an action to the connector its step names in `with.provider` (credentials.revoke with
 * aws-iam, openbao or github; egress.block with nftables or aws-sg; …). `egress.unblock` may omit
 * the provider: rule ids start with it (`nftables:…`, `aws-sg:…`).
 */
import type { ActionName } from '../../common/actions';
import type { ActionContext, ActionOutcome } from '../ports';
import type { ConnectorNeeds, LiveActionProvider } from './connector';
import { notConfiguredFailure } from './failures';

/** Performs one action through one connector. */
export interface ProviderHandler {
  /** The value of `with.provider` this handler serves, e.g. `aws-iam`. */
  provider: string;
  /** The connector it uses (see Connector.id). */
  connector: string;
  /**
   * Idempotent: a repeat reports `alreadyDone: true` and changes nothing. Throws classified
   * failures (../live/failures). Output never contains secrets.
   */
  perform(params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome>;
}

/** Which connectors-file section configures each provider, for "not configured" messages. */
const SECTION_OF_PROVIDER: ReadonlyMap<string, string> = new Map([
  ['aws-iam', 'aws'],
  ['aws-sg', 'aws'],
  ['nftables', 'nftables'],
  ['openbao', 'openbao'],
  ['github', 'github'],
  ['scim', 'scim'],
]);

export function selectedProvider(params: Record<string, unknown>): string | undefined {
  if (typeof params.provider === 'string') return params.provider;
  if (typeof params.rule_id === 'string' && params.rule_id.includes(':')) return params.rule_id.split(':')[0];
  return undefined;
}

export class ByProviderRouter implements LiveActionProvider {
  readonly name: string;
  private readonly handlers = new Map<string, ProviderHandler>();

  constructor(private readonly action: ActionName) {
    this.name = `live:${action}`;
  }

  add(handler: ProviderHandler): this {
    this.handlers.set(handler.provider, handler);
    return this;
  }

  get size(): number {
    return this.handlers.size;
  }

  needs(_action: ActionName, params: Record<string, unknown>): ConnectorNeeds {
    const provider = selectedProvider(params);
    // Not known before the run (it reads a step output): it must be one of the configured ones.
    if (provider === undefined) return { connectors: [...new Set([...this.handlers.values()].map((h) => h.connector))], problems: [] };
    const handler = this.handlers.get(provider);
    if (!handler) return { connectors: [], problems: [this.notConfiguredMessage(provider)] };
    return { connectors: [handler.connector], problems: [] };
  }

  async perform(action: ActionName, params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
    const provider = selectedProvider(params);
    const handler = provider === undefined ? undefined : this.handlers.get(provider);
    if (!handler) {
      throw notConfiguredFailure(
        { connector: provider ?? '(none)', operation: action },
        provider === undefined ? 'the step names no provider' : this.notConfiguredMessage(provider),
      );
    }
    return handler.perform(params, context);
  }

  private notConfiguredMessage(provider: string): string {
    // A Map: `provider` comes from a runbook, and `constructor` must not find Object's.
    const section = SECTION_OF_PROVIDER.get(provider);
    return `provider ${provider} is not configured for ${this.action}${section ? ` (add the \`${section}:\` section to the connectors file)` : ''}`;
  }
}
