/**
 * The stylesheet every drill HTML page inlines (the after-action report and the trend report):
 * system fonts only, nothing loaded from anywhere, readable on screen and on paper. In print the
 * exercise banner repeats at the top of every page, so no single printed page can pass for a real
 * incident report.
 */
export const DRILL_REPORT_CSS = `
:root { color-scheme: light; --ink: #1d232a; --muted: #5b6570; --rule: #d5dbe1; --exercise: #8a1c1c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 0 24px 32px; }
.exercise-banner { margin: 0; padding: 10px 24px; background: #fdecea; color: var(--exercise); border-bottom: 3px solid var(--exercise);
  font-weight: 700; font-size: 18px; letter-spacing: .04em; text-align: center; }
.exercise-banner.footer { border-bottom: 0; border-top: 3px solid var(--exercise); margin-top: 32px; font-size: 14px; }
.print-banner { display: none; }
h1 { font-size: 24px; margin: 20px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); break-after: avoid; }
h3 { font-size: 15px; margin: 16px 0 6px; break-after: avoid; }
p.lede { margin: 0 0 12px; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--rule); overflow-wrap: break-word; }
th { background: #f3f5f7; font-weight: 600; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
code, .ref { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.ref { color: #34495e; white-space: nowrap; }
.text { white-space: pre-wrap; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid; white-space: nowrap; }
.badge.met, .badge.ok { color: #1e6b1e; border-color: #1e6b1e; background: #eaf6ea; }
.badge.partly-met, .badge.warn { color: #7a5200; border-color: #a87400; background: #fff6e0; }
.badge.not-met, .badge.bad { color: #9b1c1c; border-color: #9b1c1c; background: #fdecea; }
.badge.open, .badge.info { color: #3b4a5a; border-color: #7c8a98; background: #f1f4f7; }
.score { font-size: 16px; margin: 8px 0; }
.warnings { border-left: 4px solid #a87400; background: #fff8e8; padding: 8px 12px; margin: 12px 0; }
.empty { color: var(--muted); font-style: italic; }
svg.trend-chart { max-width: 100%; height: auto; border: 1px solid var(--rule); background: #fff; }
section.live { border: 2px solid #34495e; padding: 0 16px 8px; margin-top: 32px; }
section.live h2 { border-bottom-color: #34495e; }
@media print {
  @page { margin: 16mm 12mm; }
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  .print-banner { display: block; position: fixed; top: 0; left: 0; right: 0; text-align: center; font-size: 9px; font-weight: 700; color: var(--exercise); }
  .exercise-banner { background: none; }
  h2 { break-after: avoid; }
  table { page-break-inside: auto; }
  a { color: inherit; text-decoration: none; }
}
`;
