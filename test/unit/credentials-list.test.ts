/**
 * `credentials.list` without a network: its tabletop twin gives two made-up keys that stay the same
 * for the same step and differ between steps, filtered by `status` as the live handler filters
 * them, in the catalogue's output shape; runbooks may loop over its `key_ids` but cannot
 * compensate it (a read has nothing to undo); and its permission probe asks only for the two reads.
 */
import { ACTION_CATALOGUE } from '../../common/actions';
import { iamNeeds } from '../../connectors/aws-iam/permissions';
import { connectorsById } from '../../connectors/catalogue';
import { actionWithSchema } from '../../connectors/with-schemas';
import { RunbookSchema } from '../../runbooks/schema';
import { checkRunbookSemantics } from '../../runbooks/semantics';

const AT = '2026-01-02T03:04:05.000Z';
const seedOf = (idempotencyKey: string, at = AT) => ({ idempotencyKey, at });
const simulate = (params: Record<string, unknown>, seed = seedOf('wf/run-1/list/perform')) =>
  connectorsById().get('aws-iam')!.routed!['credentials.list']!.simulate(actionWithSchema('credentials.list').parse({ provider: 'aws-iam', ...params }) as Record<string, unknown>, seed);
const output = ACTION_CATALOGUE['credentials.list'].output;

describe('the tabletop twin of credentials.list', () => {
  it('lists two keys in the output shape, the same for the same step whenever it runs', () => {
    const plan = simulate({ principal: 'alice' });
    expect(() => output.parse(plan.output)).not.toThrow();
    const keys = plan.output.keys as Array<{ id: string; status: string; created_at: string }>;
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key.id).toMatch(/^AKIA[0-9A-F]{16}$/);
      expect(Date.parse(key.created_at)).toBeLessThan(Date.parse(AT));
    }
    expect(new Set(keys.map((key) => key.id)).size).toBe(2);
    expect(plan.output).toMatchObject({ provider: 'aws-iam', principal: 'alice', key_ids: keys.map((key) => key.id) });
    expect(plan.wouldDo).toEqual([expect.stringContaining('list the access keys of IAM user alice')]);
    expect(plan.wouldDo[0]).toContain('nothing is changed');

    // Recorded later (a retry, a replayed drill): the same keys, dates included.
    expect(simulate({ principal: 'alice' }, seedOf('wf/run-1/list/perform', '2027-06-01T00:00:00.000Z'))).toEqual(plan);
    // Another step gets other keys.
    const other = simulate({ principal: 'alice' }, seedOf('wf/run-1/list-again/perform'));
    expect((other.output.key_ids as string[]).some((id) => (plan.output.key_ids as string[]).includes(id))).toBe(false);
  });

  it('filters key_ids by status (active by default) and always lists every key', () => {
    const every = simulate({ principal: 'alice', status: 'any' });
    const all = (every.output.keys as Array<{ id: string }>).map((key) => key.id);
    expect(every.output.key_ids).toEqual(all);
    expect(simulate({ principal: 'alice', status: 'active' }).output.key_ids).toEqual(all);
    const inactive = simulate({ principal: 'alice', status: 'inactive' });
    expect(inactive.output.key_ids).toEqual([]);
    expect(inactive.output.keys).toEqual(every.output.keys);
    expect(inactive.wouldDo[0]).toContain('those inactive');
  });

  it('refuses a status it does not know, naming the field', () => {
    const parsed = actionWithSchema('credentials.list').safeParse({ provider: 'aws-iam', principal: 'alice', status: 'Active' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['status']);
  });
});

describe('credentials.list in runbooks and readiness', () => {
  const check = (steps: unknown[]) =>
    checkRunbookSemantics(RunbookSchema.parse({ id: 'list-keys', version: 1, title: 'List keys', severity: 'high', inputs: {}, steps })).map((problem) => problem.message);

  it('feeds a loop with key_ids; a compensation of it is refused, and so is an output it does not have', () => {
    const loop = {
      id: 'park-each',
      foreach: {
        items: '${{ steps.list.output.key_ids }}',
        steps: [{ id: 'park', action: 'credentials.deactivate', with: { provider: 'aws-iam', principal: 'alice', key_id: '${{ item.value }}' } }],
      },
    };
    expect(check([{ id: 'list', action: 'credentials.list', with: { provider: 'aws-iam', principal: 'alice' } }, loop])).toEqual([]);
    expect(ACTION_CATALOGUE['credentials.list']).not.toHaveProperty('undoneBy');
    const problems = check([
      { id: 'list', action: 'credentials.list', with: { provider: 'aws-iam', principal: 'alice' }, compensate: { action: 'credentials.reactivate', with: { provider: 'aws-iam', principal: 'alice', key_ids: [] } } },
      { id: 'tell', action: 'notify', with: { message: '${{ steps.list.output.key_id }}' } },
    ]);
    expect(problems).toEqual([expect.stringContaining('action "credentials.list" cannot be undone'), expect.stringContaining('key_id')]);
  });

  it('needs only GetUser and ListAccessKeys on the user', () => {
    expect(iamNeeds('credentials.list', { principal: 'alice', status: 'any' })).toEqual({ principal: 'alice', actions: ['iam:GetUser', 'iam:ListAccessKeys'] });
  });
});
