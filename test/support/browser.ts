/**
 * Opens a local HTML file in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core; Playwright's own browser download cannot work without internet access) and
 * reports what a reader's browser would do with it: console errors, uncaught page errors, every
 * request other than the file itself (none may leave: each is recorded, then aborted), the visible
 * text, and a screenshot.
 *
 * The browser is found as QUELL_CHROMIUM, else `chromium` on PATH (.ci/run installs it).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export interface PageVisit {
  /** Console messages of type `error` (a CSP violation or a failed load shows up here too). */
  consoleErrors: string[];
  /** Uncaught exceptions thrown by scripts on the page. */
  pageErrors: string[];
  /** Every URL the page asked for besides the file itself, in order. */
  requests: string[];
  /** `document.body.innerText`: what a reader sees, as text. */
  visibleText: string;
  /** The document's title as the browser parsed it. */
  title: string;
  /** Elements that can load something or run script (script, img, iframe, object, embed, link, [on*]). */
  activeElements: string[];
  screenshotPath: string;
  screenshotBytes: number;
}

/** The Chromium binary: QUELL_CHROMIUM, else `command -v chromium`; a clear error when neither exists. */
export function chromiumPath(): string {
  const configured = process.env.QUELL_CHROMIUM;
  if (configured) {
    if (!fs.existsSync(configured)) throw new Error(`QUELL_CHROMIUM=${configured} does not exist`);
    return configured;
  }
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    if (found) return found;
  } catch {
    // fall through to the explanation below
  }
  throw new Error('chromium not found on PATH: install it (`apt-get install -y chromium`, as .ci/run does) or set QUELL_CHROMIUM');
}

/**
 * Where a test keeps its screenshots: QUELL_TEST_OUTPUT if set, else a folder in the system
 * temporary directory (never inside the checkout, so nothing is committed by accident).
 */
export function screenshotPath(name: string): string {
  const dir = process.env.QUELL_TEST_OUTPUT ?? path.join(os.tmpdir(), 'quell-test-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`);
}

const ACTIVE_ELEMENTS = `Array.from(document.querySelectorAll('*'))
  .filter((element) => /^(script|img|iframe|object|embed|link|frame|base|audio|video|source|svg:image|image|use)$/i.test(element.tagName)
    || Array.from(element.attributes).some((attribute) => /^on/i.test(attribute.name) || /^(href|xlink:href|src)$/i.test(attribute.name)))
  .map((element) => element.outerHTML.slice(0, 160))`;

/** Opens `file` (an HTML file on disk), waits for it to load, and reports what happened. */
export async function visitHtmlFile(file: string, screenshotTo: string): Promise<PageVisit> {
  const ownUrl = pathToFileURL(path.resolve(file)).href;
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    // Record every request the page makes, then refuse all but the file itself: a report that
    // reaches out fails its test without anything having left this machine.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url === ownUrl) return route.continue();
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    page.on('request', (request) => {
      if (request.url() !== ownUrl) requests.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(ownUrl, { waitUntil: 'load' });
    // Anything scheduled by the page (a timer, a late image) gets a moment to show itself.
    await page.waitForTimeout(250);
    // Evaluated as text: the test project compiles without the DOM's types.
    const visibleText = (await page.evaluate('document.body.innerText')) as string;
    const title = await page.title();
    const activeElements = (await page.evaluate(ACTIVE_ELEMENTS)) as string[];
    fs.mkdirSync(path.dirname(screenshotTo), { recursive: true });
    await page.screenshot({ path: screenshotTo, fullPage: true });
    return { consoleErrors, pageErrors, requests, visibleText, title, activeElements, screenshotPath: screenshotTo, screenshotBytes: fs.statSync(screenshotTo).size };
  } finally {
    await browser.close();
  }
}
