// Nest 12 ships as ESM only; Jest loads it through require(esm), which needs Node >= 24.9 and
// --experimental-vm-modules (set in the npm scripts).
const swc = ['@swc/jest', { swcrc: true }];
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  // js first: a mapped `./x.js` must still find a real .js before a .ts of the same name.
  moduleFileExtensions: ['js', 'ts', 'tsx', 'json'],
  // The SDK is ESM source with NodeNext-style `./x.js` imports of its .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/packages/*/src/**/*.spec.ts',
    '<rootDir>/tools/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
  ],
  globalSetup: '<rootDir>/test/global-setup.ts',
  // Every response of a test BFF is checked against the OpenAPI document it serves.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/contract-setup.ts'],
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30000,
};
