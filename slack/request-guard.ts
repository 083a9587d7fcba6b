/**
 * What the HTTP receiver lets through to Bolt. Bolt reads a request's whole body before it checks
 * the signature, and assumes a body that parses is an object: without this guard anyone who can
 * reach the port could make the app buffer an unbounded body, and a signed `payload=null` would
 * throw inside Bolt, leave the request hanging (no answer, no way to stop the server cleanly) and
 * surface as an unhandled rejection.
 *
 * So a request to the events path is read here first, up to a size limit (413 past it), and must
 * be the shape Bolt parses: a form whose `payload`, if any, is a JSON object, or a JSON object
 * (400 otherwise). Its signed timestamp must also be within five minutes of now in EITHER
 * direction (401 otherwise): Bolt refuses only old ones, so a request signed for the future would
 * stay replayable until that time comes. The body read is handed on as Bolt's own buffered body;
 * the signature itself, replays and everything else stay Bolt's business.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from 'pino';
import { LIMITS } from '../common/limits';

const FORM = 'application/x-www-form-urlencoded';
/** Slack's own window for a request's timestamp; the signature covers the timestamp. */
const MAX_CLOCK_DIFFERENCE_SECONDS = 5 * 60;

/** Why a request's timestamp header is unacceptable, or undefined (absent is Bolt's to refuse). */
export function timestampProblem(header: string | string[] | undefined, nowMs: number): string | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isInteger(seconds)) return 'timestamp is not a whole number of seconds';
  const difference = Math.abs(nowMs / 1000 - seconds);
  return difference > MAX_CLOCK_DIFFERENCE_SECONDS ? `timestamp is ${Math.round(difference)} s away from now (more than five minutes)` : undefined;
}

export function guardSlackRequests(listener: RequestListener, options: { path: string; logger: Logger }): RequestListener {
  const maxBytes = LIMITS.slackRequestBytes.value;
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method?.toUpperCase() !== 'POST' || path !== options.path) {
      listener(req, res);
      return;
    }
    const refuse = (status: number, why: string) => {
      options.logger.warn({ status }, `Slack request refused before Bolt: ${why}`);
      if (!res.headersSent) res.writeHead(status, { connection: 'close' }).end();
    };
    const badTimestamp = timestampProblem(req.headers['x-slack-request-timestamp'], Date.now());
    if (badTimestamp) {
      refuse(401, badTimestamp);
      req.resume();
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      refuse(413, 'body larger than the limit');
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        refuse(413, 'body larger than the limit');
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      refused = true;
      refuse(400, 'body could not be read');
    });
    req.on('end', () => {
      if (refused) return;
      const body = Buffer.concat(chunks);
      if (!hasBoltShape(body, req.headers['content-type'])) {
        refuse(400, 'body is not a form with a JSON object payload, nor a JSON object');
        return;
      }
      // Bolt reads a body already buffered as `rawBody` instead of the (now consumed) stream.
      (req as IncomingMessage & { rawBody: Buffer }).rawBody = body;
      listener(req, res as ServerResponse);
    });
  };
}

/** Whether Bolt's parser would produce an object from this body (what it goes on to assume). */
function hasBoltShape(body: Buffer, contentType: string | undefined): boolean {
  const text = body.toString('utf8');
  if (contentType === FORM) {
    const { payload } = parseQuery(text);
    if (payload === undefined) return true;
    return typeof payload === 'string' && isJsonObject(payload);
  }
  return isJsonObject(text);
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
