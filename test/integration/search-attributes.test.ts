/**
 * worker/search-attributes.ts against the run's real Temporal server, on fresh namespaces that
 * start without Quell's attributes (as an existing cluster would).
 */
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../common/search-attributes';
import { ensureSearchAttributes } from '../../worker/search-attributes';
import { runLogger, testServer } from '../support/temporal';

const { IndexedValueType } = temporal.api.enums.v1;
const silent = runLogger('logger');

let connection: Connection;
beforeAll(async () => {
  connection = await Connection.connect({ address: testServer().address });
});
afterAll(async () => {
  await connection.close();
});

async function freshNamespace(): Promise<string> {
  const namespace = `sa-${randomUUID().slice(0, 8)}`;
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  return namespace;
}

async function customAttributes(namespace: string): Promise<Record<string, number>> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  return (customAttributes ?? {}) as Record<string, number>;
}

describe('ensureSearchAttributes', () => {
  it('registers every missing Quell attribute with its type, and a second call changes nothing', async () => {
    const namespace = await freshNamespace();
    expect(Object.keys(await customAttributes(namespace))).not.toContain('QuellRunbook');

    await ensureSearchAttributes(connection, namespace, silent);
    const after = await customAttributes(namespace);
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_FLAGS)) {
      const expected = {
        Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
        Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
      }[type];
      expect([name, after[name]]).toEqual([name, expected]);
    }

    await expect(ensureSearchAttributes(connection, namespace, silent)).resolves.toBeUndefined();
    expect(await customAttributes(namespace)).toEqual(after);
  });

  it('refuses to start when an attribute exists with the wrong type, naming it', async () => {
    const namespace = await freshNamespace();
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: { QuellStatus: IndexedValueType.INDEXED_VALUE_TYPE_INT },
    });
    await expect(ensureSearchAttributes(connection, namespace, silent)).rejects.toMatchObject({
      name: 'SearchAttributeSetupError',
      message: expect.stringContaining('QuellStatus is INDEXED_VALUE_TYPE_INT, Quell needs Keyword'),
    });
  });

  it('explains how to register them when the server will not add them', async () => {
    const missingNamespace = `no-such-${randomUUID().slice(0, 8)}`;
    // listSearchAttributes on an unknown namespace fails on the dev server; use a real namespace
    // for the listing and an unknown one for the add by wrapping the operator service.
    const namespace = await freshNamespace();
    const refusing = {
      operatorService: {
        listSearchAttributes: () => connection.operatorService.listSearchAttributes({ namespace }),
        addSearchAttributes: () =>
          connection.operatorService.addSearchAttributes({
            namespace: missingNamespace,
            searchAttributes: { QuellRunbook: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
          }),
      },
    } as unknown as Parameters<typeof ensureSearchAttributes>[0];
    await expect(ensureSearchAttributes(refusing, namespace, silent)).rejects.toMatchObject({
      name: 'SearchAttributeSetupError',
      message: expect.stringContaining(`temporal operator search-attribute create --namespace ${namespace} --name QuellRunbook --type Keyword`),
    });
  });
});
