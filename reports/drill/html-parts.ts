/**
 * Small building blocks of the drill HTML pages: tables, fact lists, times, event references and
 * verdict badges. Every value passed as text is escaped here; only values documented as "HTML"
 * (cells built by these helpers) are inserted as they are.
 */
import type { Moment, ObjectiveVerdict } from './report-types';
import { attribute, cssToken, element, escapeHtml } from './html-escape';

/** Markup produced by these helpers (already escaped), as opposed to text from a report. */
export interface Html {
  readonly html: string;
}

export const html = (markup: string): Html => ({ html: markup });
const isHtml = (value: unknown): value is Html => typeof value === 'object' && value !== null && typeof (value as Html).html === 'string';

/** A cell's content: text (escaped) or markup from these helpers; undefined shows as a dash. */
export type Cell = string | number | Html | undefined;

function cellContent(value: Cell): string {
  if (value === undefined || value === '') return '<span class="muted">—</span>';
  return isHtml(value) ? value.html : escapeHtml(value);
}

export interface Column {
  label: string;
  numeric?: boolean;
}

/** A table, or a short "none" line when there are no rows. */
export function table(columns: ReadonlyArray<Column | string>, rows: ReadonlyArray<ReadonlyArray<Cell>>, options: { className?: string; empty?: string } = {}): string {
  if (rows.length === 0) return element('p', options.empty ?? 'None.', 'class="empty"');
  const cols = columns.map((column) => (typeof column === 'string' ? { label: column } : column));
  const head = cols.map((column) => element('th', column.label, column.numeric ? 'class="num" scope="col"' : 'scope="col"')).join('');
  const body = rows
    .map((row) => `<tr>${row.map((value, index) => `<td${cols[index]?.numeric ? ' class="num"' : ''}>${cellContent(value)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table${options.className ? ` ${attribute('class', options.className)}` : ''}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A two-column list of facts; entries whose value is undefined are left out. */
export function facts(entries: ReadonlyArray<[string, Cell]>): string {
  const shown = entries.filter(([, value]) => value !== undefined && value !== '');
  return `<dl class="facts">${shown.map(([label, value]) => `${element('dt', label)}<dd>${cellContent(value)}</dd>`).join('')}</dl>`;
}

/** Drill time as T+m:ss (or T+h:mm:ss), the way a facilitator's clock reads. */
export function drillClock(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `T+${hours}:${pad(minutes)}:${pad(seconds)}` : `T+${minutes}:${pad(seconds)}`;
}

/** An ISO time as "2026-03-01 09:00:12 UTC"; text that does not parse is shown as it is. */
export function wallClock(iso: string | undefined): string {
  if (!iso) return '—';
  const parsed = Date.parse(iso);
  if (Number.isNaN(parsed)) return iso;
  return `${new Date(parsed).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A history event reference (`run#57`) in monospace. */
export function ref(value: string | undefined): Html {
  return html(value ? element('span', value, 'class="ref"') : '<span class="muted">—</span>');
}

/** "T+2:15 (2026-03-01 09:02:15 UTC, run#57)"; a dash when the moment never came. */
export function moment(value: Moment | undefined): Html {
  if (!value) return html('<span class="muted">—</span>');
  return html(`${escapeHtml(drillClock(value.drillMs))} <span class="muted">(${escapeHtml(wallClock(value.at))}, ${element('span', value.ref, 'class="ref"')})</span>`);
}

const VERDICT_WORDS: Readonly<Record<ObjectiveVerdict, string>> = { met: 'met', 'partly-met': 'partly met', 'not-met': 'not met', open: 'open' };

export function verdictBadge(verdict: ObjectiveVerdict): Html {
  return badge(VERDICT_WORDS[verdict] ?? verdict, verdict);
}

/** A labelled badge; `tone` picks the colour (met/ok, partly-met/warn, not-met/bad, open/info). */
export function badge(text: string, tone: string): Html {
  return html(element('span', text, `class="badge ${cssToken(tone)}"`));
}

/** Free text from people, line breaks kept. */
export function prose(text: string | undefined): Html {
  return html(text ? element('span', text, 'class="text"') : '<span class="muted">—</span>');
}

export function section(id: string, title: string, body: string, lede?: string): string {
  return `<section ${attribute('id', id)}>\n${element('h2', title)}\n${lede ? element('p', lede, 'class="lede"') : ''}${body}\n</section>`;
}
