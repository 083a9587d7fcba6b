import { closestMatch, didYouMean, editDistance } from '../../common/suggest';

describe('suggestions', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('revoek', 'revoke')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it.each([
    ['timout', ['title', 'timeout'], 'timeout'],
    ['credentials.revoek', ['credentials.revoke', 'sessions.revoke'], 'credentials.revoke'],
    ['principle', ['principal'], 'principal'],
    ['incident_id', ['id', 'incident'], 'incident'],
    ['Inputs', ['inputs', 'steps'], 'inputs'],
    ['iptables', ['nftables', 'aws-sg'], undefined],
    ['owner', ['id', 'version', 'title'], undefined],
    ['x', ['y'], undefined],
  ])('%s → %s', (input, candidates, expected) => {
    expect(closestMatch(input, candidates)).toBe(expected);
  });

  it('formats the hint ready to append', () => {
    expect(didYouMean('aproval', ['approval'])).toBe(' (did you mean "approval"?)');
    expect(didYouMean('zzz', ['approval'])).toBe('');
  });
});
