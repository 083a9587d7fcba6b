/**
 * The openbao connector's read-only permission probe: the capabilities its token holds on exactly
 * the paths a revocation of the step's target would use, asked with sys/capabilities-self (which
 * reads the token's policies and changes nothing). A target known only during the run is checked
 * as the common case, a token accessor.
 */
import type { PermissionCheck, PermissionQuestion } from '../connector';
import type { OpenBaoClient } from './client';
import { describeTarget, parseOpenBaoTarget, type OpenBaoTarget } from './target';

const ACCESSOR_PATHS = [
  { path: 'auth/token/lookup-accessor', capability: 'update' },
  { path: 'auth/token/revoke-accessor', capability: 'update' },
];

/** The path and capability pairs a revocation of `target` needs. */
export function openBaoNeeds(target: OpenBaoTarget | undefined): Array<{ path: string; capability: string }> {
  switch (target?.kind) {
    case 'lease-prefix':
      return [
        { path: `sys/leases/lookup/${target.prefix}/`, capability: 'list' },
        { path: `sys/leases/revoke-prefix/${target.prefix}`, capability: 'sudo' },
      ];
    case 'entity':
      return [{ path: 'auth/token/accessors/', capability: 'sudo' }, ...ACCESSOR_PATHS];
    default:
      return ACCESSOR_PATHS;
  }
}

/** The step's target, when it is known before the run and parses. */
export function revocationTarget(action: string, params: Record<string, unknown>): OpenBaoTarget | undefined {
  const named = action === 'credentials.revoke' && typeof params.key_id === 'string' ? params.key_id : params.principal;
  if (typeof named !== 'string') return undefined;
  const parsed = parseOpenBaoTarget(named);
  return 'target' in parsed ? parsed.target : undefined;
}

export function openBaoPermissionProbe(client: OpenBaoClient): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action, params }) => {
    if (action !== 'credentials.revoke' && action !== 'sessions.revoke') return [];
    const target = revocationTarget(action, params);
    const needs = openBaoNeeds(target);
    const label = target ? describeTarget(target) : 'a token accessor (named during the run)';
    let granted: Record<string, string[]>;
    try {
      granted = await client.capabilities(needs.map((need) => need.path));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return needs.map(({ path, capability }) => ({ permission: `${capability} on ${path}`, target: label, verdict: 'not-checkable', detail: `sys/capabilities-self failed: ${why}` }));
    }
    return needs.map(({ path, capability }): PermissionCheck => {
      const held = granted[path] ?? [];
      const ok = !held.includes('deny') && (held.includes('root') || held.includes(capability));
      return {
        permission: `${capability} on ${path}`,
        target: label,
        verdict: ok ? 'granted' : 'missing',
        detail: `the token holds ${held.length > 0 ? held.join(', ') : 'no capability'} there`,
      };
    });
  };
}
