/**
 * The `with` schema of every action as runbooks and activities check it: the catalogue's shapes
 * (common/actions.ts) with the systems a step may name taken from the registry, so a system is
 * accepted by the linter exactly when a connector serves that action.
 */
import { z } from 'zod';
import { ACTION_CATALOGUE, type ActionName } from '../common/actions';
import { evidenceSourceNames, evidenceStoreNames, systemsServing } from './catalogue';
import { ROUTED_ACTIONS, type ConnectorDefinition } from './definition';
import { CONNECTORS } from './registry';

export type WithSchemas = { readonly [A in ActionName]: z.ZodObject };

/** Built from `connectors` (the registry by default; tests add fixtures). */
export function withSchemas(connectors: readonly ConnectorDefinition[] = CONNECTORS): WithSchemas {
  const schemas = Object.fromEntries(Object.entries(ACTION_CATALOGUE).map(([action, definition]) => [action, definition.with as z.ZodObject])) as Record<ActionName, z.ZodObject>;
  for (const action of ROUTED_ACTIONS) {
    const systems = systemsServing(action, connectors);
    const base = schemas[action];
    const current = base.shape.provider as z.ZodType;
    const names = oneOf(systems);
    schemas[action] = base.extend({ provider: current.safeParse(undefined).success ? names.optional() : names });
  }
  schemas['evidence.collect'] = schemas['evidence.collect'].extend({
    source: oneOf([...evidenceSourceNames(connectors), 'record']),
    store: oneOf(evidenceStoreNames(connectors)).optional(),
  });
  return schemas;
}

/** An enum of `names`; with none, nothing is valid. */
function oneOf(names: readonly string[]) {
  return z.enum(names.length > 0 ? (names as [string, ...string[]]) : ['(none)']);
}

let registryWithSchemas: WithSchemas | undefined;

/** {@link withSchemas} of the registry, built once. */
export function actionWithSchema(action: ActionName): z.ZodObject {
  registryWithSchemas ??= withSchemas();
  return registryWithSchemas[action];
}
