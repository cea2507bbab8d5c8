/**
 * Type-checking runs once in `npm test` (`tsc --noEmit`); jest only transpiles, with swc (the same
 * compiler `scripts/run-ts.cjs` uses), with tsconfig.json's target and module format.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      {
        swcrc: false,
        sourceMaps: 'inline',
        module: { type: 'commonjs', strictMode: true },
        jsc: {
          parser: { syntax: 'typescript', tsx: false, dynamicImport: true },
          target: 'es2022',
          transform: { useDefineForClassFields: true },
          keepClassNames: true,
        },
      },
    ],
  },
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/setup.ts'],
  globalSetup: '<rootDir>/__tests__/support/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.ts',
  testSequencer: '<rootDir>/__tests__/support/sequencer.js',
  testTimeout: 30000,
  // The real-daemon suites mostly wait on I/O: three workers on two cores finish sooner than jest's
  // default of one. Ports are claimed across workers (support/processes.ts freePort).
  maxWorkers: 3,
};
