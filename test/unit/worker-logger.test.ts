import { Writable } from 'node:stream';
import { REDACTED, createLogger, maskSecrets } from '../../worker/logger';
import { plantSecret } from '../support/planted-secrets';
import { teeToRunLog } from '../support/run-logs';

/** A logger writing into an array of parsed JSON lines. */
function capture(): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ logLevel: 'info' }, teeToRunLog('logger', sink)) };
}

// Built at run time so the fixtures themselves do not look like leaked secrets to scanners.
const slackBot = plantSecret(['xoxb', '1234567890', 'abcdefABCDEF'].join('-'), 'slack bot token (masking fixture)');
const slackApp = plantSecret(['xapp', '1', 'A0123', 'abcdef'].join('-'), 'slack app token (masking fixture)');
const awsSecret = plantSecret(['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYEXAMPLEKEY'].join('/'), 'aws secret key (masking fixture)');

describe('worker logger', () => {
  it('masks secret-shaped strings anywhere, and keeps identifiers and digests', () => {
    expect(maskSecrets(`token ${slackBot} and ${slackApp}`)).toBe(`token ${REDACTED} and ${REDACTED}`);
    expect(maskSecrets(`secret=${awsSecret};`)).toBe(`secret=${REDACTED};`);
    const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
    expect(maskSecrets(`key AKIAIOSFODNN7EXAMPLE commit ${sha1}`)).toBe(`key AKIAIOSFODNN7EXAMPLE commit ${sha1}`);
  });

  it('redacts secret keys and secret-shaped values in fields, messages, errors and bindings', () => {
    const { lines, logger } = capture();
    logger.child({ slack: slackBot }).error(
      {
        token: 'plain-token',
        request: { apiKey: 'k', headers: { authorization: 'Bearer abc' }, response_url: 'https://hooks.example/x' },
        note: `pasted ${awsSecret}`,
        err: new Error(`call failed with ${slackApp}`),
      },
      'posting with %s',
      slackBot,
    );
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      slack: REDACTED,
      token: REDACTED,
      request: { apiKey: REDACTED, headers: { authorization: REDACTED }, response_url: REDACTED },
      note: `pasted ${REDACTED}`,
      err: { message: `call failed with ${REDACTED}` },
      msg: `posting with ${REDACTED}`,
    });
    const text = JSON.stringify(line);
    for (const secret of [slackBot, slackApp, awsSecret, 'plain-token', 'Bearer abc']) expect(text).not.toContain(secret);
  });
});
