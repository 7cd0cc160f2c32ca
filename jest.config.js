/**
 * Two projects: `unit` (specs beside the code in src/ and bench/, no external services) and `integration`
 * (test/**, against the real Temporal dev server started by scripts/test.sh).
 * The summary reporter prints the plain "tests: N passed, M failed" closing line CI reads.
 */
const tsJest = ['ts-jest', { isolatedModules: true, diagnostics: false }];
const common = {
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  // Integration tests wait on a real Temporal server; the timeout lives at the top level (project-level is ignored).
  testTimeout: 120000,
  // `npm test` (scripts/test.sh) runs the suite as two Jest runs: all but test/faults and test/hostile with
  // two workers, then those two folders with one (fairness.test.ts measures latency under load and failed its
  // bound beside a parallel file; the fault tests kill processes and servers). A bare `npx jest` uses Jest's
  // default of one worker on the 2-core machine.
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
  ],
};
