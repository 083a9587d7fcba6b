/**
 * The trend chart's geometry and markup (reports/drill/svg-chart.ts): every drill gets exactly one
 * marker inside the drawing; later drills sit further right, slower ones higher; the target line
 * sits where the y scale puts the target; a drill that never contained sits in the band above the
 * plot; labels are escaped.
 */
import { chartLayout, renderTrendChart, type ChartInput } from '../../reports/drill/svg-chart';

const DAY = 86_400_000;
const base = Date.parse('2026-03-01T09:00:00Z');

const input: ChartInput = {
  title: 'credential-compromise',
  targetMs: 15 * 60_000,
  points: [
    { id: 'quell-drill:cc:a', at: base, valueMs: 20 * 60_000, label: 'a' },
    { id: 'quell-drill:cc:b', at: base + 7 * DAY, valueMs: 12 * 60_000, label: 'b' },
    { id: 'quell-drill:cc:c', at: base + 14 * DAY, label: 'c (not contained)' },
    { id: 'quell-drill:cc:d', at: base + 21 * DAY, valueMs: 6 * 60_000, label: 'd' },
  ],
};

/** Marker centres as drawn: circles' (cx, cy) and crosses' first move-to point plus 5. */
function markers(svg: string): Array<{ id: string; x: number; y: number; contained: boolean }> {
  const found: Array<{ id: string; x: number; y: number; contained: boolean }> = [];
  for (const match of svg.matchAll(/<g class="drill-point (contained|not-contained)" data-drill-id="([^"]+)">.*?(?:<circle cx="([\d.]+)" cy="([\d.]+)"|<path d="M([\d.]+),([\d.]+))/g)) {
    const contained = match[1] === 'contained';
    found.push({ id: match[2]!, contained, x: Number(contained ? match[3] : match[5]) + (contained ? 0 : 5), y: Number(contained ? match[4] : match[6]) + (contained ? 0 : 5) });
  }
  return found;
}

describe('trend chart', () => {
  test('one marker per drill, ordered by date left to right, inside the drawing', () => {
    const svg = renderTrendChart(input);
    const drawn = markers(svg);
    expect(drawn.map((marker) => marker.id)).toEqual(input.points.map((point) => point.id));
    expect(svg.match(/class="drill-point /g)).toHaveLength(4);
    const layout = chartLayout(input);
    for (const marker of drawn) {
      expect(marker.x).toBeGreaterThanOrEqual(layout.plot.left);
      expect(marker.x).toBeLessThanOrEqual(layout.plot.right);
      expect(marker.y).toBeGreaterThan(0);
      expect(marker.y).toBeLessThanOrEqual(layout.plot.bottom);
    }
    const xs = drawn.map((marker) => marker.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(new Set(xs).size).toBe(4);
  });

  test('y grows upward with the time to containment; the target line is on the scale; a miss sits in the band', () => {
    const layout = chartLayout(input);
    const [a, b, c, d] = markers(renderTrendChart(input));
    expect(a!.y).toBeLessThan(b!.y); // 20 min is drawn higher than 12 min
    expect(b!.y).toBeLessThan(d!.y);
    expect(c!.contained).toBe(false);
    expect(c!.y).toBe(layout.bandY);
    expect(c!.y).toBeLessThan(layout.plot.top);
    // Linear scale from the bottom edge: 6 min is 3/10 of the way to 20 min.
    const zero = layout.y(0);
    expect(zero).toBe(layout.plot.bottom);
    expect((zero - d!.y) / (zero - a!.y)).toBeCloseTo(6 / 20, 2);
    expect(layout.yMaxMs).toBeGreaterThanOrEqual(20 * 60_000);
    expect(layout.yTicksMs[0]).toBe(0);
    expect(layout.yTicksMs.at(-1)).toBe(layout.yMaxMs);
    const target = /<line class="target-line" x1="[\d.]+" y1="([\d.]+)"/.exec(renderTrendChart(input));
    expect(Number(target![1])).toBeCloseTo(layout.y(15 * 60_000), 1);
  });

  test('drills seconds apart still spread across the axis; no target, no target line', () => {
    const close: ChartInput = { title: 't', points: [0, 2_000, 4_000].map((offset, i) => ({ id: `d${i}`, at: base + offset, valueMs: 1_000 * (i + 1), label: `${i}` })) };
    const layout = chartLayout(close);
    expect(layout.xDomain[1] - layout.xDomain[0]).toBe(4_000 + 2 * 2_000);
    const svg = renderTrendChart(close);
    expect(svg).not.toContain('target-line');
    const xs = markers(svg).map((marker) => marker.x);
    expect(xs[1]! - xs[0]!).toBeGreaterThan(100);
    expect(xs[2]! - xs[1]!).toBeGreaterThan(100);
    expect(Math.abs((xs[0]! + xs[2]!) / 2 - (layout.plot.left + layout.plot.right) / 2)).toBeLessThan(1);
  });

  test('hostile labels are escaped; the chart refers to nothing outside itself', () => {
    const svg = renderTrendChart({ title: '</svg><script>alert(1)</script>', points: [{ id: '"><img src=x onerror=alert(1)>', at: base, valueMs: 5, label: '<b>x</b>' }] });
    expect(svg).not.toMatch(/<script|<img|<b>/);
    expect(svg).toContain('&lt;/svg&gt;&lt;script&gt;');
    expect(svg).toContain('data-drill-id="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(svg).not.toMatch(/href|url\(|@import/);
  });

  test('an empty trend still draws axes and no marker', () => {
    const svg = renderTrendChart({ title: 'none', points: [] });
    expect(svg).toMatch(/^<svg[^>]*>/);
    expect(svg).not.toContain('drill-point');
  });
});
