const { jestConfig } = require('../../jest.preset.cjs');

// Integration specs talk to a real PostgreSQL (127.0.0.1:5432 unless TEST_DATABASE_URL says otherwise)
// and to PGlite; each run works in its own schema or data folder.
module.exports = jestConfig(__dirname, {
  displayName: 'apps/api (integration)',
  testMatch: ['<rootDir>/test/**/*.integration-spec.ts'],
  testTimeout: 120000,
});
