/**
 * The after-action report of one drill as a single self-contained HTML file: inline CSS, no
 * scripts, no fonts, images or links to fetch, so it can be mailed, archived and opened offline,
 * and printed. Every page says it is an exercise: a banner at the top and the bottom, the title,
 * and (in print) a line on every page.
 *
 * All text in a report came from people, so everything is escaped (./html-escape.ts); the page
 * also carries a Content-Security-Policy that forbids scripts and every load, as a second line of
 * defence should a value ever slip through unescaped.
 */
import { EXERCISE_BANNER } from '../../common/exercise';
import type { DrillReport } from './report-types';
import { element } from './html-escape';
import { DRILL_REPORT_CSS } from './html-style';
import { renderFigures, renderHeader, renderScorecard } from './html-sections';
import { renderConduct, renderImprovementPlan, renderInjects, renderNotes, renderReadiness, renderTimeline } from './html-record';

/** Forbids every fetch and every script; only the inline stylesheet applies. */
export const DRILL_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'";

export interface HtmlPage {
  /** The document title (the exercise mark is added in front). */
  title: string;
  /** The page's content, already escaped markup. */
  body: string;
}

/**
 * A self-contained page: stylesheet and security policy inline, and, for an exercise, the banner
 * at the top, the bottom and (in print) on every page. Shared by the drill pages and the dossier.
 */
export function selfContainedPage(page: HtmlPage & { css: string; exercise: boolean }): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${DRILL_PAGE_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    element('title', page.exercise ? `[EXERCISE] ${page.title}` : page.title),
    `<style>${page.css}</style>`,
    '</head>',
    '<body>',
    ...(page.exercise ? [element('div', EXERCISE_BANNER, 'class="print-banner" aria-hidden="true"'), element('p', EXERCISE_BANNER, 'class="exercise-banner" role="note"')] : []),
    '<main>',
    page.body,
    '</main>',
    ...(page.exercise ? [element('p', EXERCISE_BANNER, 'class="exercise-banner footer"')] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The shell every drill page shares: banners, stylesheet and security policy around `body`. */
export function drillHtmlPage(page: HtmlPage): string {
  return selfContainedPage({ ...page, css: DRILL_REPORT_CSS, exercise: true });
}

/** The whole after-action report of `report` as one HTML document. */
export function renderDrillReportHtml(report: DrillReport): string {
  const body = [
    renderHeader(report),
    renderScorecard(report),
    renderFigures(report),
    renderInjects(report),
    renderTimeline(report),
    renderNotes(report),
    renderImprovementPlan(report),
    renderReadiness(report),
    renderConduct(report),
  ].join('\n');
  return drillHtmlPage({ title: `After-action report: ${report.scenario.title} (${report.drill.drillId})`, body });
}
