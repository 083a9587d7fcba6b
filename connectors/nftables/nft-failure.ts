/**
 * Turns a failed nft call into the engine's failure types. What will not heal by retrying stops
 * the step at once: nft (or `ip`) missing, the namespace missing, the kernel lacking nf_tables,
 * no CAP_NET_ADMIN, a script nft cannot parse. Everything else — a busy netlink socket, a rule
 * that vanished between reading and deleting, a timeout — is retried with the activity's backoff.
 */
import type { ApplicationFailure } from '@temporalio/common';
import { authFailure, invalidFailure, isClassified, notConfiguredFailure, unavailableFailure, type FailureSite } from '../failures';
import { NftCommandError } from './nft-command';

/** What the configuration must provide; used in the messages. */
export interface NftWhereabouts {
  nftPath: string;
  netns?: string;
}

const PERMISSION = /Operation not permitted|Permission denied|you must be root/i;
const NO_NAMESPACE = /Cannot open network namespace "[^"]*"/;
const EXEC_FAILED = /exec of "[^"]*" failed/;
const NO_KERNEL_SUPPORT = /Protocol not supported|Operation not supported|Address family not supported/;
const UNPARSEABLE = /syntax error|Could not resolve|comment too long/i;

/** Classifies `error` (an {@link NftCommandError} or anything else) for the step at `site`. */
export function nftFailure(site: FailureSite, where: NftWhereabouts, error: unknown): ApplicationFailure {
  if (isClassified(error)) return error;
  if (!(error instanceof NftCommandError)) return unavailableFailure(site, `unexpected error: ${String(error)}`, error);
  const stderr = firstLines(error.detail.stderr ?? '');
  const inside = where.netns ? ` in network namespace ${where.netns}` : '';

  if (error.kind === 'timeout') return unavailableFailure(site, `nft did not answer in time${inside}`);
  if (error.kind === 'spawn') {
    if (error.program === 'ip') {
      return notConfiguredFailure(site, `cannot run \`ip\` (iproute2) to enter network namespace ${where.netns ?? ''}: ${error.detail.errno ?? 'unknown error'}`);
    }
    if (error.detail.errno === 'EACCES' || error.detail.errno === 'EPERM') {
      return authFailure(site, `not allowed to execute ${where.nftPath} (${error.detail.errno}): check nftables.nft_path and its permissions`);
    }
    return notConfiguredFailure(site, `cannot run ${where.nftPath} (${error.detail.errno ?? 'unknown error'}): install nftables or set nftables.nft_path`);
  }
  if (NO_NAMESPACE.test(stderr)) return notConfiguredFailure(site, `network namespace ${where.netns ?? ''} does not exist (nftables.netns): ${stderr}`);
  if (EXEC_FAILED.test(stderr)) return notConfiguredFailure(site, `cannot run ${where.nftPath}${inside}: ${stderr}; install nftables or set nftables.nft_path`);
  if (PERMISSION.test(stderr)) {
    return authFailure(site, `permission denied${inside}: nft needs CAP_NET_ADMIN (run the worker as root or grant it the capability): ${stderr}`);
  }
  if (NO_KERNEL_SUPPORT.test(stderr)) return notConfiguredFailure(site, `the kernel refused nf_tables${inside} (module not loaded?): ${stderr}`);
  if (UNPARSEABLE.test(stderr)) return invalidFailure(site, `nft refused the request: ${stderr}`);
  return unavailableFailure(site, `nft failed${inside}: ${stderr || `exit ${String(error.detail.exitCode)}`}`);
}

/** nft prints the failing script line and a caret line under each error; the first lines say enough. */
function firstLines(stderr: string): string {
  return stderr.trim().split('\n').slice(0, 3).join(' | ').slice(0, 400);
}
