/**
 * The evidence.collect action against real loopback endpoints (test/support/evidence-collection-rig.ts):
 * each source (CloudWatch Logs, CloudTrail, HTTP, record, files on disk), and refusals of paths
 * outside the allowed ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  HTTP_TOKEN,
  LOG_GROUP,
  MINUTE,
  allowed,
  aws,
  collect,
  collectAction,
  collected,
  contextFor,
  http,
  localRunDir,
  newRun,
  outside,
  readLocal,
  stores,
  trail,
  useEvidenceCollectionRig,
} from '../../support/evidence-collection-rig';

useEvidenceCollectionRig();

describe('sources', () => {
  test('cloudwatch-logs reads every page of matching events inside [now - window, now]', async () => {
    const now = Date.now();
    const inWindow = Array.from({ length: 1_100 }, (_, i) => ({ timestamp: now - 50 * MINUTE + i * 1_000, message: `AssumeRole by ci-deployer #${i}` }));
    const events = [{ timestamp: now - 3 * 60 * MINUTE, message: 'AssumeRole by ci-deployer (too old)' }, ...inWindow, { timestamp: now - MINUTE, message: 'unrelated' }];
    await aws.logs.send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: 'api', logEvents: events }));

    const context = contextFor(newRun(), 'cw-1');
    const output = await collected({ source: 'cloudwatch-logs', query: 'AssumeRole', window: '1h' }, context);

    const [artifact] = output.artifacts;
    expect(artifact.records).toBe(1_100);
    const lines = readLocal(artifact.location).trim().split('\n').map((line) => JSON.parse(line) as { message: string; log_group: string });
    expect(lines).toHaveLength(1_100);
    expect(lines[0]).toMatchObject({ log_group: LOG_GROUP, message: 'AssumeRole by ci-deployer #0' });
    expect(lines.at(-1)!.message).toBe('AssumeRole by ci-deployer #1099');
    const window = output.window!;
    expect(Date.parse(window.end) - Date.parse(window.start)).toBe(60 * MINUTE);
    expect(context.beats.length).toBeGreaterThan(0);
  });

  test('cloudtrail looks up the principal as Username over the window, page after page', async () => {
    const now = Date.now();
    trail.addEvents([
      ...Array.from({ length: 120 }, (_, i) => ({
        EventId: `alice-${String(i).padStart(3, '0')}`,
        EventName: i % 2 ? 'GetObject' : 'ListBuckets',
        EventTime: new Date(now - 40 * MINUTE + i * 10_000),
        EventSource: 's3.amazonaws.com',
        Username: 'alice',
        CloudTrailEvent: JSON.stringify({ eventVersion: '1.08', userIdentity: { userName: 'alice' }, n: i }),
      })),
      { EventId: 'alice-old', EventName: 'ListBuckets', EventTime: new Date(now - 5 * 60 * MINUTE), Username: 'alice' },
      { EventId: 'bob-1', EventName: 'ListBuckets', EventTime: new Date(now - 10 * MINUTE), Username: 'bob' },
    ]);

    const output = await collected({ source: 'cloudtrail', principal: 'alice', window: '1h' }, contextFor(newRun(), 'ct-1'));

    const [artifact] = output.artifacts;
    const lines = readLocal(artifact.location).trim().split('\n').map((line) => JSON.parse(line) as { event_id: string; cloudtrail_event: { n: number } });
    expect(lines.map((line) => line.event_id)).toEqual(Array.from({ length: 120 }, (_, i) => `alice-${String(119 - i).padStart(3, '0')}`));
    expect(lines[0].cloudtrail_event.n).toBe(119);
    expect(artifact.records).toBe(120);

    expect(trail.requests).toHaveLength(3);
    expect(trail.requests.map((request) => request.LookupAttributes)).toEqual(Array(3).fill([{ AttributeKey: 'Username', AttributeValue: 'alice' }]));
    expect([trail.requests[0].NextToken, typeof trail.requests[1].NextToken, typeof trail.requests[2].NextToken]).toEqual([undefined, 'string', 'string']);
    expect(trail.requests[0].EndTime! - trail.requests[0].StartTime!).toBeCloseTo(3_600, 0);
  });

  test('cloudtrail refuses a query that is not one lookup attribute, before storing anything', async () => {
    const workflowId = newRun();
    await expect(collect({ source: 'cloudtrail', query: 'eventName = ConsoleLogin' }, contextFor(workflowId, 'ct-bad'))).rejects.toMatchObject({
      type: 'QuellInvalidInput',
      nonRetryable: true,
    });
    expect(fs.existsSync(localRunDir(workflowId))).toBe(false);
  });

  test('http sends the bearer token and the window, and stores the body as received', async () => {
    const before = http.requests.length;
    const output = await collected({ source: 'http', principal: 'alice', window: '2h', store: 's3-object-lock' }, contextFor(newRun(), 'http-1'));

    const request = http.requests[before];
    expect(request.headers.authorization).toBe(`Bearer ${HTTP_TOKEN}`);
    expect(request.url.searchParams.get('principal')).toBe('alice');
    expect(Date.parse(request.url.searchParams.get('until')!) - Date.parse(request.url.searchParams.get('since')!)).toBe(120 * MINUTE);
    const [artifact] = output.artifacts;
    expect(artifact).toMatchObject({ name: 'http/response.ndjson', size: Buffer.byteLength(http.body) });
    const store = stores.get('s3-object-lock')!;
    const [, object, version] = /^s3:\/\/[^/]+\/[^/]+\/(.+)\?versionId=(.+)$/.exec(artifact.location)!;
    const chunks: Buffer[] = [];
    for await (const chunk of await store.openArtifact({ object, version_id: version })) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(http.body);
  });

  test('http with a refused token fails as QuellAuthFailed, without retries and without leaking the token', async () => {
    http.expectedToken = 'a-different-token';
    try {
      const failure = await collect({ source: 'http' }, contextFor(newRun(), 'http-401')).catch((error: unknown) => error);
      expect(failure).toMatchObject({ type: 'QuellAuthFailed', nonRetryable: true });
      expect(JSON.stringify(failure) + String((failure as Error).message)).not.toContain(HTTP_TOKEN);
    } finally {
      http.expectedToken = HTTP_TOKEN;
    }
  });

  test('record keeps what the run produced as JSON', async () => {
    const content = { vendor: 'acme', deletion: { confirmed: true, reference: 'DEL-2024-118' } };
    const output = await collected({ source: 'record', content, label: 'acme-deletion' }, contextFor(newRun(), 'rec-1'));
    expect(output.window).toBeNull();
    expect(output.artifacts[0].name).toBe('record/acme-deletion.json');
    expect(JSON.parse(readLocal(output.artifacts[0].location))).toEqual(content);
  });
});

describe('file paths', () => {
  test('files under an allowed folder and a glob within it are copied byte for byte', async () => {
    const output = await collected({ source: 'file', paths: [`${allowed}/app/*.log`, path.join(allowed, 'auth.log')] }, contextFor(newRun(), 'file-ok'));
    expect(output.artifacts.map((artifact) => artifact.name).sort()).toEqual([`file${allowed}/app/app.log`, `file${allowed}/auth.log`]);
    for (const artifact of output.artifacts) expect(readLocal(artifact.location)).toBe(fs.readFileSync(artifact.name.slice('file'.length), 'utf8'));
  });

  test.each([
    ['a path outside', () => path.join(outside, 'secret.txt')],
    ['a .. escape', () => `${allowed}/../outside/secret.txt`],
    ['a symbolic link leading outside', () => path.join(allowed, 'escape.txt')],
    ['a glob that matches a link leading outside', () => `${allowed}/**`],
    ['a glob rooted outside', () => `${outside}/*.txt`],
    ['a relative path', () => 'allowed/auth.log'],
  ])('%s is refused with a non-retryable QuellInvalidInput and nothing is stored', async (_what, requested) => {
    const workflowId = newRun();
    const failure = await collect({ source: 'file', paths: [requested()] }, contextFor(workflowId, 'file-refused')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ type: 'QuellInvalidInput', nonRetryable: true });
    expect(fs.existsSync(localRunDir(workflowId))).toBe(false);
  });

  test('paths visibly outside are refused before the run starts', () => {
    expect(collectAction.needs('evidence.collect', { source: 'file', paths: [path.join(outside, 'secret.txt')] }).problems).toEqual([
      `file: path ${path.join(outside, 'secret.txt')} is outside the allowed paths`,
    ]);
    expect(collectAction.needs('evidence.collect', { source: 'file', paths: [path.join(allowed, 'auth.log')] })).toEqual({
      connectors: ['evidence-source:file', 'evidence-store:local'],
      problems: [],
    });
  });
});
