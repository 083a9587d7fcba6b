/**
 * README's connector table, rendered from the registry. README keeps it between two marker
 * comments; `npm run docs` rewrites it and a test fails when README and the registry disagree.
 */
import { ROUTED_ACTIONS, type ConnectorDefinition, type SystemRole } from './definition';
import { sectionName } from './catalogue';
import { CONNECTORS } from './registry';

export const TABLE_START = '<!-- connectors table: generated from connectors/registry.ts by `npm run docs`; do not edit -->';
export const TABLE_END = '<!-- end of connectors table -->';

const ROLE_NAMES: Record<SystemRole, string> = {
  'evidence-source': '`evidence.collect` source',
  'evidence-store': '`evidence.collect` store',
  'notify-channel': '`notify` channel',
  'deletion-channel': '`vendor.request_deletion` and `vendor.request` channel',
  'access-report': '`identity.access_report`',
};

/** Markdown cells must not break the table: pipes escaped, line breaks as <br>. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function servesCell(connector: ConnectorDefinition): string {
  const routed = ROUTED_ACTIONS.flatMap((action) => {
    const service = connector.routed?.[action];
    return service ? [`**\`${action}\`** ${service.summary}${service.guarantee ? ` ${service.guarantee}` : ''}`] : [];
  });
  const roles = (Object.entries(connector.roles ?? {}) as [SystemRole, string][]).map(([role, summary]) => `**${ROLE_NAMES[role]}** ${summary}`);
  return cell([...routed, ...roles].join('\n'));
}

/** The table (markers included), one row per connector in registry order. */
export function renderConnectorTable(connectors: readonly ConnectorDefinition[] = CONNECTORS): string {
  const rows = connectors.map((connector) => {
    const secrets = connector.settings.secrets.length > 0 ? connector.settings.secrets.map((s) => `\`${s}\``).join(', ') : '—';
    const requires = (connector.settings.requires ?? []).map((path) => ` (with \`${path.join('.')}\`)`).join('');
    return `| \`${connector.id}\` ${cell(connector.title)} | \`${sectionName(connector)}\`${requires} | ${secrets} | ${servesCell(connector)} |`;
  });
  return [TABLE_START, '| System | Section | Secrets | What it does |', '| --- | --- | --- | --- |', ...rows, TABLE_END].join('\n');
}

/** `readme` with its connector table replaced by `table`; throws when the markers are missing. */
export function withConnectorTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no connector table markers (${TABLE_START} … ${TABLE_END})`);
  return `${readme.slice(0, start)}${table}${readme.slice(end + TABLE_END.length)}`;
}
