/**
 * `controls:` on runbook steps: accepted on every step kind and on parallel branches, refused with
 * a positioned message when an id is malformed, too long, repeated or one too many; and
 * runbookControls gathers a runbook's ids sorted, once each.
 */
import { loadRunbookText } from '../../runbooks/load';
import { controlledSteps, runbookControls } from '../../runbooks/controls';
import { loadTestRunbook } from '../support/runbooks';

const HEADER = 'id: sample\nversion: 1\ntitle: Sample\nseverity: low\nsteps:\n';

function load(steps: string) {
  return loadRunbookText(`${HEADER}${steps}`, 'sample.yaml');
}

function errorsOf(steps: string): string[] {
  const result = load(steps);
  return result.ok ? [] : result.errors.map((error) => `${error.line}:${error.col}: ${error.message}`);
}

describe('controls on steps', () => {
  it('is accepted on every kind of step and on parallel branches, and gathered sorted and once', () => {
    const result = load(
      [
        '  - id: gate',
        '    controls: [SOC2:CC7.4, ISO27001:A.5.26]',
        '    approval: { approvers: [sre], timeout: 1h, summary: Go? }',
        '  - id: both',
        '    controls: [NIST-800-61r3:RS.MI]',
        '    parallel:',
        '      - id: note',
        '        controls: [ISO27001:A.5.28, SOC2:CC7.4]',
        '        manual: { task: write it down }',
        '      - id: hold',
        '        wait: { event: go-ahead }',
        '  - id: tell',
        '    controls: [vendor/internal_policy-7]',
        '    action: notify',
        '    with: { message: done }',
        '',
      ].join('\n'),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(runbookControls(result.runbook)).toEqual(['ISO27001:A.5.26', 'ISO27001:A.5.28', 'NIST-800-61r3:RS.MI', 'SOC2:CC7.4', 'vendor/internal_policy-7']);
    expect(controlledSteps(result.runbook).map((step) => step.stepId)).toEqual(['gate', 'both', 'note', 'tell']);
  });

  it('refuses malformed, overlong and repeated ids and too many, each at its position', () => {
    const many = Array.from({ length: 21 }, (_, index) => `C${index}`).join(', ');
    expect(
      errorsOf(
        [
          '  - id: a',
          `    controls: [SOC2:CC7.4, "bad id", SOC2:CC7.4, ${'X'.repeat(65)}]`,
          '    manual: { task: t }',
          '  - id: p',
          '    parallel:',
          '      - id: b',
          '        controls: ["-leading"]',
          '        manual: { task: t }',
          '      - id: c',
          `        controls: [${many}]`,
          '        manual: { task: t }',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      '7:28: a control id starts with a letter or digit and holds only letters, digits and . : _ - / (e.g. SOC2:CC7.4); got "bad id"',
      '7:38: control "SOC2:CC7.4" is listed twice in this step',
      '7:50: controls[3] must have at most 64 characters',
      '12:20: a control id starts with a letter or digit and holds only letters, digits and . : _ - / (e.g. SOC2:CC7.4); got "-leading"',
      expect.stringMatching(/^15:19: .*20/),
    ]);
  });

  it('maps the shipped incident runbooks to SOC 2 CC7, ISO/IEC 27001 A.5 and NIST 800-61r3, offboarding to access removal', async () => {
    const compromise = runbookControls((await loadTestRunbook('runbooks/credential-compromise.yaml')).runbook);
    const vendor = runbookControls((await loadTestRunbook('runbooks/vendor-breach.yaml')).runbook);
    for (const controls of [compromise, vendor]) {
      expect(controls).toEqual(expect.arrayContaining(['SOC2:CC7.3', 'SOC2:CC7.4', 'ISO27001:A.5.26', 'ISO27001:A.5.28', 'NIST-800-61r3:RS.MI', 'NIST-800-61r3:RS.AN']));
    }
    expect(runbookControls((await loadTestRunbook('runbooks/offboarding.yaml')).runbook)).toEqual(expect.arrayContaining(['SOC2:CC6.2', 'ISO27001:A.5.18']));
  });
});
