// @ts-check
/**
 * Jest test sequencer (jest.config.js `testSequencer`): Jest's own order (failed first, then
 * slowest first), except that the run-wide secret scan (test/zz-secret-scan/) always runs last,
 * after every other test file has written its histories and logs, and is part of every shard.
 *
 * With several workers the last file can start while others still run; the scan then waits for
 * them (test/support/scan-progress-reporter.js tells it which are still running).
 *
 * Plain CommonJS: Jest loads sequencers without its transform.
 */
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const LAST_DIR = `${path.join('test', 'zz-secret-scan')}${path.sep}`;

/** @param {import('@jest/test-result').Test} test */
const runsLast = (test) => path.relative(test.context.config.rootDir, test.path).startsWith(LAST_DIR);

class ScanLastSequencer extends Sequencer {
  /**
   * @param {Array<import('@jest/test-result').Test>} tests
   * @param {import('@jest/test-sequencer').ShardOptions} options
   */
  async shard(tests, options) {
    const others = await super.shard(tests.filter((test) => !runsLast(test)), options);
    return [...others, ...tests.filter(runsLast)];
  }

  /** @param {Array<import('@jest/test-result').Test>} tests */
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((test) => !runsLast(test)), ...sorted.filter(runsLast)];
  }
}

module.exports = ScanLastSequencer;
