/**
 * Which requests read and which change something, per system, by the API operation they carry:
 *
 * - AWS: the operation is the query protocol's `Action=` (IAM, EC2, STS), the JSON protocol's
 *   `X-Amz-Target` (CloudWatch Logs, CloudTrail), or for S3 the HTTP method. Only Get, List,
 *   Describe, Lookup, Filter and Simulate operations (and S3 GET/HEAD) read.
 * - OpenBao: GET/LIST read, and so do the POST endpoints that only look things up
 *   (capabilities-self, lookup-self, lookup-accessor, lookup); every other write changes state.
 * - SCIM: GET and POST /.search read.
 * - REST APIs (GitHub, vendor deletion APIs, HTTP evidence): GET and HEAD read.
 * - nft: `--version`, `list …` and check mode (`-c`/`--check`) read; anything else is a change.
 *
 * Anything not known to read counts as mutating: a mistake here can only make a test stricter.
 */
import type { CallKind, ProxiedRequest } from './counting-proxy';

const AWS_READ = /^(Get|List|Describe|Lookup|Filter|Simulate|Head)/;

export function classifyAws(request: ProxiedRequest): { operation: string; kind: CallKind } {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    const operation = target.slice(target.lastIndexOf('.') + 1);
    return { operation, kind: AWS_READ.test(operation) ? 'read' : 'mutating' };
  }
  const action = new URLSearchParams(request.body).get('Action') ?? new URL(request.path, 'http://aws').searchParams.get('Action');
  if (action) return { operation: action, kind: AWS_READ.test(action) ? 'read' : 'mutating' };
  // S3's REST protocol: the method says it.
  const read = request.method === 'GET' || request.method === 'HEAD';
  return { operation: `s3 ${request.method} ${new URL(request.path, 'http://aws').pathname}`, kind: read ? 'read' : 'mutating' };
}

/** CloudTrail's JSON protocol names the operation in X-Amz-Target. */
export function isCloudTrail(request: ProxiedRequest): boolean {
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' && target.includes('CloudTrail_20131101.');
}

const OPENBAO_LOOKUPS = new Set(['sys/capabilities-self', 'sys/capabilities', 'auth/token/lookup-self', 'auth/token/lookup-accessor', 'auth/token/lookup']);

export function classifyOpenBao(request: ProxiedRequest): { operation: string; kind: CallKind } {
  const apiPath = new URL(request.path, 'http://bao').pathname.replace(/^\/v1\//, '');
  const operation = `${request.method} ${apiPath}`;
  const read = ['GET', 'HEAD', 'LIST'].includes(request.method) || (request.method === 'POST' && OPENBAO_LOOKUPS.has(apiPath));
  return { operation, kind: read ? 'read' : 'mutating' };
}

export function classifyScim(request: ProxiedRequest): { operation: string; kind: CallKind } {
  const pathname = new URL(request.path, 'http://scim').pathname;
  const read = request.method === 'GET' || request.method === 'HEAD' || (request.method === 'POST' && pathname.endsWith('/.search'));
  return { operation: `${request.method} ${pathname}`, kind: read ? 'read' : 'mutating' };
}

export function classifyRest(request: ProxiedRequest): { operation: string; kind: CallKind } {
  const pathname = new URL(request.path, 'http://rest').pathname;
  return { operation: `${request.method} ${pathname}`, kind: request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'mutating' };
}

/** One nft invocation's arguments (after any `ip netns exec <ns>`). */
export function classifyNft(args: readonly string[]): CallKind {
  if (args.includes('-c') || args.includes('--check')) return 'read';
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) return 'read';
  const command = args.find((arg) => !arg.startsWith('-'));
  return command === 'list' ? 'read' : 'mutating';
}
