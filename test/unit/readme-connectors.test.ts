/**
 * README's connector table is generated from the registry (`npm run docs`); this keeps the
 * committed README equal to what the registry says, so the two cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defineConnector } from '../../connectors/definition';
import { renderConnectorTable, withConnectorTable } from '../../connectors/readme-table';
import { CONNECTORS } from '../../connectors/registry';

const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

it('README holds exactly the table the registry renders', () => {
  expect(withConnectorTable(README, renderConnectorTable())).toBe(README);
});

it('every registered connector has a row naming its id and section', () => {
  for (const connector of CONNECTORS) {
    expect(README).toContain(`| \`${connector.id}\` ${connector.title} | \`${connector.settings.path.join('.')}\``);
  }
});

it('a connector added to the registry makes README out of date (control)', () => {
  const extra = defineConnector({
    id: 'readme-probe',
    title: 'A system README does not know',
    settings: { path: ['readme_probe'], schema: z.strictObject({}), secrets: [] },
    roles: { 'notify-channel': 'pipes | and\nline breaks stay inside the cell' },
    live: () => Promise.reject(new Error('not built in this test')),
  });
  const table = renderConnectorTable([...CONNECTORS, extra]);
  expect(withConnectorTable(README, table)).not.toBe(README);
  expect(table).toContain('pipes \\| and<br>line breaks');
});
