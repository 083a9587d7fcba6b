// @ts-check
/**
 * Jest reporter (jest.config.js `reporters`, beside `default`): records which test files have
 * started and which have finished (passed, failed, or failed to run) in the run's scan directory
 * (`progress.json`), so the run-wide secret scan, ordered last by scan-last-sequencer.js, can wait
 * for files still running in other workers before it reads their histories and logs. It prints
 * nothing. Without it (e.g. `--reporters` on the command line) the scan does not wait, which is
 * right for `--runInBand`, where files run one after another.
 *
 * Plain CommonJS: Jest loads reporters without its transform.
 */
const fs = require('node:fs');
const path = require('node:path');

const SCAN_DIR_ENV = 'QUELL_TEST_SCAN_DIR';

class ScanProgressReporter {
  constructor() {
    /** @type {Set<string>} */
    this.started = new Set();
    /** @type {Set<string>} */
    this.finished = new Set();
  }

  write() {
    // Set by the global setup in this process, which runs before any test file starts.
    const dir = process.env[SCAN_DIR_ENV];
    if (!dir || !fs.existsSync(dir)) return;
    const file = path.join(dir, 'progress.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ started: [...this.started], finished: [...this.finished] }));
    fs.renameSync(`${file}.tmp`, file);
  }

  /** @param {import('@jest/test-result').Test} test */
  onTestFileStart(test) {
    this.started.add(test.path);
    this.write();
  }

  /** @param {import('@jest/test-result').Test} test */
  onTestFileResult(test) {
    this.finished.add(test.path);
    this.write();
  }

  getLastError() {
    return undefined;
  }
}

module.exports = ScanProgressReporter;
