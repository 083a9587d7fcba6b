/** README's "Limits and input rules" lists every enforced limit with its value, exactly as the code has it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LIMITS, describeLimit, type LimitName } from '../../common/limits';

const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Limits and input rules'), readme.indexOf('\n## ', readme.indexOf('## Limits and input rules') + 1));

describe('README limits table', () => {
  it('has the section', () => {
    expect(section.startsWith('## Limits and input rules')).toBe(true);
  });

  it.each(Object.keys(LIMITS) as LimitName[])('lists %s with its current value', (name) => {
    expect(section).toContain(`| ${LIMITS[name].what} | ${describeLimit(name)} |`);
  });

  it('lists no limit the code does not have', () => {
    const rows = section.split('\n').filter((line) => /^\| [^-|]/.test(line) && !line.startsWith('| what'));
    expect(rows).toHaveLength(Object.keys(LIMITS).length);
  });
});
