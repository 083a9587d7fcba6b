/**
 * Action performers: the objects that perform a whole catalogue action in one mode. The tabletop
 * simulator performs every action in a tabletop run; in a live run each action has a live
 * performer (a router over connector handlers, or a whole action such as NotifyAction) that also
 * says which connectors it needs, so a live run is refused before its first step when one is
 * missing or failing, naming it.
 */
import type { ActionName } from '../common/actions';
import type { ConnectorsConfig } from '../connectors/connectors-file';
import type { Connector, ConnectorNeeds } from '../connectors/connector';
import type { ActionContext, ActionOutcome } from '../connectors/action-context';

/** Performs one action with already-validated parameters. */
export interface ActionPerformer {
  /** Recorded as `ActionResult.provider` in workflow histories: 'tabletop', 'live:notify', … */
  readonly name: string;
  perform(action: ActionName, params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome>;
}

/** A live action performer, which can also tell what it needs before the run starts. */
export interface LiveAction extends ActionPerformer {
  /**
   * Connectors the action needs with `params`. Values not known before the run are absent from
   * `params`; an action that cannot tell then lists every connector it might use.
   */
  needs(action: ActionName, params: Record<string, unknown>): ConnectorNeeds;
}

/** Everything live a worker (or the CLI) has configured. */
export interface LiveSetup {
  /** The live performer of each configured action; an action missing here is not configured. */
  actions: Partial<Record<ActionName, LiveAction>>;
  connectors: ReadonlyMap<string, Connector>;
  /** The connectors file it was built from; undefined: none, nothing is live. */
  file?: ConnectorsConfig;
}

export const EMPTY_LIVE_SETUP: LiveSetup = { actions: {}, connectors: new Map() };
