/** README's tables stay whole: every row has the header's number of cells, and no row is split by other text. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const lines = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8').split('\n');

/** Cells of a table row: pipes inside `code` or escaped as \| do not separate cells. */
function cellCount(row: string): number {
  let cells = 0;
  let inCode = false;
  for (let index = 0; index < row.length; index += 1) {
    const char = row[index];
    if (char === '`') inCode = !inCode;
    else if (char === '\\') index += 1;
    else if (char === '|' && !inCode) cells += 1;
  }
  return cells - 1;
}

describe('README tables', () => {
  it('every row has as many cells as its header', () => {
    const problems: string[] = [];
    let header: number | undefined;
    lines.forEach((line, index) => {
      if (!line.startsWith('|')) {
        header = undefined;
        return;
      }
      if (header === undefined) header = cellCount(line);
      else if (cellCount(line) !== header) problems.push(`line ${index + 1}: ${cellCount(line)} cells, header has ${header}`);
    });
    expect(problems).toEqual([]);
  });

  it('no text line ends like a table row (the tail of a row that other text split)', () => {
    const stray = lines.map((line, index) => ({ line, number: index + 1 })).filter(({ line }) => !line.startsWith('|') && / \|$/.test(line.trimEnd()));
    expect(stray).toEqual([]);
  });
});
