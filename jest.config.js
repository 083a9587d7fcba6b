/** Jest runs against one real Temporal dev server for the whole run (see test/support/global-setup.ts). */
// The AWS SDK's Node 22 notice would print in every suite that builds an AWS client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120000,
  // The run-wide secret scan (test/zz-secret-scan/) reads every history and log the run produced:
  // it runs last, the setup file copies what each file prints into the run's captured logs, and
  // the reporter tells the scan which files are still running in other workers.
  testSequencer: '<rootDir>/test/support/scan-last-sequencer.js',
  setupFilesAfterEnv: ['<rootDir>/test/support/run-capture-setup.ts'],
  reporters: ['default', '<rootDir>/test/support/scan-progress-reporter.js'],
};
