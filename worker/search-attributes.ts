/**
 * Makes sure Quell's custom search attributes exist on the namespace before the worker polls.
 *
 * The embedded dev server gets them on its command line; an existing cluster may not have them,
 * and a run that sets an unregistered attribute fails its first workflow task. Registering them here
 * (self-hosted clusters allow it with operator permissions) or refusing to start with the exact
 * command to run (Temporal Cloud registers them only through its own tooling) turns that into one
 * clear message at start-up.
 */
import type { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { Logger } from 'pino';
import { SEARCH_ATTRIBUTE_FLAGS, type SearchAttributeFlagType } from '../common/search-attributes';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;

const PROTO_TYPE: Record<SearchAttributeFlagType, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Thrown when the attributes are missing or mistyped and cannot be fixed from here. */
export class SearchAttributeSetupError extends Error {
  override readonly name = 'SearchAttributeSetupError';
}

/** Registers whatever Quell attributes are missing; fails if one exists with the wrong type. */
export async function ensureSearchAttributes(
  connection: Pick<NativeConnection, 'operatorService'>,
  namespace: string,
  logger: Logger,
): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = customAttributes ?? {};
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  const mistyped: string[] = [];
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_FLAGS)) {
    const want = PROTO_TYPE[type];
    const have = existing[name];
    if (have === undefined) missing[name] = want;
    else if (have !== want) mistyped.push(`${name} is ${IndexedValueType[have] ?? have}, Quell needs ${type}`);
  }
  if (mistyped.length > 0) {
    throw new SearchAttributeSetupError(
      `namespace "${namespace}" has Quell search attributes of the wrong type: ${mistyped.join('; ')}`,
    );
  }
  const names = Object.keys(missing);
  if (names.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    logger.info({ namespace, added: names }, 'registered Quell search attributes');
  } catch (error) {
    const flags = names.map((name) => `--name ${name} --type ${SEARCH_ATTRIBUTE_FLAGS[name]}`).join(' ');
    throw new SearchAttributeSetupError(
      `namespace "${namespace}" lacks the search attributes ${names.join(', ')} and this worker may not add them ` +
        `(${error instanceof Error ? error.message : String(error)}). Register them once, e.g. ` +
        `\`temporal operator search-attribute create --namespace ${namespace} ${flags}\` ` +
        `(Temporal Cloud: \`tcld namespace search-attributes add\`).`,
    );
  }
}
