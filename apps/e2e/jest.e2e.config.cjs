const { jestConfig } = require('../../jest.preset.cjs');

// End-to-end: the platform started as `npm start` starts it, driven through HTTP and a real
// headless Chromium (Debian's package) with playwright-core.
module.exports = jestConfig(__dirname, {
  displayName: 'apps/e2e',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 300000,
});
