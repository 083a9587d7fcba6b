/**
 * The trend chart: one marker per drill, time to containment up the y axis, the drill's date
 * along the x axis, and the scenario's containment target as a dashed line when it has one. A
 * drill that never reached containment still gets its marker, an open one in a band above the
 * plot, so the chart never hides a drill by leaving it out.
 *
 * Plain SVG text, self-contained (no fonts, images, links or scripts), safe to inline in HTML and
 * Markdown; every label is escaped. The geometry is a separate function so tests can check it.
 */
import { attribute, element, escapeHtml } from './html-escape';
import { formatDurationMs } from './trend-stats';

export interface ChartPoint {
  /** The drill (data-drill-id on its marker). */
  id: string;
  /** When the drill was launched, ms since the epoch: the x coordinate. */
  at: number;
  /** Time to containment in ms; undefined when the drill never reached it. */
  valueMs?: number;
  /** What hovering over the marker says. */
  label: string;
}

export interface ChartInput {
  title: string;
  points: readonly ChartPoint[];
  /** The scenario's containment target, in ms, when it has one. */
  targetMs?: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  /** The plotting area, inside the axes. */
  plot: { left: number; top: number; right: number; bottom: number };
  /** The y of the "not contained" band's markers (above plot.top). */
  bandY: number;
  /** The time range the x axis spans (ms since the epoch). */
  xDomain: [number, number];
  /** The y axis runs from 0 to this many ms. */
  yMaxMs: number;
  yTicksMs: number[];
  xTicks: number[];
  x(at: number): number;
  y(ms: number): number;
}

const WIDTH = 720;
const HEIGHT = 300;
const MARGIN = { left: 72, right: 24, top: 44, bottom: 48 };
const BAND = 22;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Candidate steps of the y axis: the first that needs at most five ticks is used. */
const Y_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400].map((s) => s * 1000);

/** Where everything goes. Pure: the same input always gives the same layout. */
export function chartLayout(input: ChartInput): ChartLayout {
  const plot = { left: MARGIN.left, top: MARGIN.top + BAND, right: WIDTH - MARGIN.right, bottom: HEIGHT - MARGIN.bottom };
  const times = input.points.map((point) => point.at);
  let [start, end] = times.length > 0 ? [Math.min(...times), Math.max(...times)] : [0, DAY];
  // A margin on both sides keeps the first and last markers off the frame; a single drill still
  // gets a span, centred on it.
  const pad = Math.max((end - start) * 0.08, 2_000);
  [start, end] = [start - pad, end + pad];
  const highest = Math.max(0, ...input.points.map((point) => point.valueMs ?? 0), input.targetMs ?? 0);
  const step = Y_STEPS.find((candidate) => highest * 1.1 <= candidate * 5) ?? Math.ceil((highest * 1.1) / 5 / DAY) * DAY;
  const yMaxMs = Math.max(step, Math.ceil((highest * 1.1) / step) * step);
  const yTicksMs: number[] = [];
  for (let tick = 0; tick <= yMaxMs; tick += step) yTicksMs.push(tick);
  const x = (at: number) => plot.left + ((at - start) / (end - start)) * (plot.right - plot.left);
  const y = (ms: number) => plot.bottom - (Math.min(ms, yMaxMs) / yMaxMs) * (plot.bottom - plot.top);
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => start + fraction * (end - start));
  return { width: WIDTH, height: HEIGHT, plot, bandY: MARGIN.top + BAND / 2, xDomain: [start, end], yMaxMs, yTicksMs, xTicks, x, y };
}

const round = (n: number) => Math.round(n * 10) / 10;

function dateLabel(at: number, span: number): string {
  const iso = new Date(at).toISOString();
  if (span < HOUR) return iso.slice(11, 19);
  return span < 3 * DAY ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

/** The chart as one `<svg>` element. */
export function renderTrendChart(input: ChartInput): string {
  const layout = chartLayout(input);
  const { plot } = layout;
  const span = layout.xDomain[1] - layout.xDomain[0];
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img" ${attribute('aria-label', `${input.title}: ${input.points.length} drills`)} font-family="sans-serif" font-size="11">`,
    element('title', `${input.title}: time to containment per drill`),
    `<text x="${plot.left}" y="16" font-size="13" font-weight="bold">${escapeHtml(input.title)}</text>`,
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#999"/>`,
  );
  for (const tick of layout.yTicksMs) {
    const y = round(layout.y(tick));
    parts.push(`<line class="grid" x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${plot.left - 6}" y="${y + 4}" text-anchor="end">${tick === 0 ? '0' : escapeHtml(formatDurationMs(tick))}</text>`);
  }
  for (const tick of layout.xTicks) {
    const x = round(layout.x(tick));
    parts.push(`<line x1="${x}" y1="${plot.bottom}" x2="${x}" y2="${plot.bottom + 4}" stroke="#999"/>`);
    parts.push(`<text x="${x}" y="${plot.bottom + 18}" text-anchor="middle">${escapeHtml(dateLabel(tick, span))}</text>`);
  }
  const caption = span < HOUR ? `drill time (UTC) on ${new Date(layout.xDomain[0]).toISOString().slice(0, 10)}` : 'drill date (UTC)';
  parts.push(`<text x="${(plot.left + plot.right) / 2}" y="${layout.height - 6}" text-anchor="middle">${caption}</text>`);
  parts.push(`<text transform="translate(14 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">time to containment</text>`);
  parts.push(`<text x="${plot.left - 6}" y="${layout.bandY + 4}" text-anchor="end" fill="#a33">not contained</text>`);
  if (input.targetMs !== undefined) {
    const y = round(layout.y(input.targetMs));
    parts.push(`<line class="target-line" x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="#c60" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${plot.right - 4}" y="${y - 4}" text-anchor="end" fill="#c60">${escapeHtml(`target ${formatDurationMs(input.targetMs)}`)}</text>`);
  }
  const contained = [...input.points].filter((point) => point.valueMs !== undefined).sort((a, b) => a.at - b.at);
  if (contained.length > 1) {
    const path = contained.map((point) => `${round(layout.x(point.at))},${round(layout.y(point.valueMs!))}`).join(' ');
    parts.push(`<polyline class="trend" points="${path}" fill="none" stroke="#789" stroke-width="1"/>`);
  }
  for (const point of input.points) parts.push(marker(layout, point, input.targetMs));
  parts.push('</svg>');
  return parts.join('\n');
}

function marker(layout: ChartLayout, point: ChartPoint, targetMs: number | undefined): string {
  const x = round(layout.x(point.at));
  const tooltip = element('title', point.label);
  if (point.valueMs === undefined) {
    const y = layout.bandY;
    return `<g class="drill-point not-contained" ${attribute('data-drill-id', point.id)}>${tooltip}<path d="M${x - 5},${y - 5} L${x + 5},${y + 5} M${x - 5},${y + 5} L${x + 5},${y - 5}" stroke="#a33" stroke-width="2"/></g>`;
  }
  const y = round(layout.y(point.valueMs));
  const colour = targetMs === undefined ? '#357' : point.valueMs <= targetMs ? '#2a7a2a' : '#b03030';
  return `<g class="drill-point contained" ${attribute('data-drill-id', point.id)}>${tooltip}<circle cx="${x}" cy="${y}" r="5" fill="${colour}" stroke="#fff"/></g>`;
}
