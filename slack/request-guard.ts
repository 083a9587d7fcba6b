/**
 * What the HTTP receiver lets through to Bolt. Bolt reads a request's whole body before it checks
 * the signature, and assumes a body that parses is an object: without this guard anyone who can
 * reach the port could make the app buffer an unbounded body, and a signed `payload=null` would
 * throw inside Bolt, leave the request hanging (no answer, no way to stop the server cleanly) and
 * surface as an unhandled rejection.
 *
 * So a request to the events path is read here first, up to a size limit (413 past it), and must
 * be the shape Bolt parses: a form whose `payload`, if any, is a JSON object, or a JSON object
 * (400 otherwise). The body read is handed on as Bolt's own buffered body; signatures, replays and
 * everything else stay Bolt's business.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from 'pino';
import { LIMITS } from '../common/limits';

const FORM = 'application/x-www-form-urlencoded';

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
