// Shared jest settings: SWC transpiles TypeScript (with decorator metadata for NestJS),
// and the tsconfig path aliases resolve to library sources. Every project's fast-check property
// tests run with the seed and run count of tools/scripts/property-tests.cjs (fixed in `npm test`,
// fresh in `npm run test:fuzz`), printed once per jest run.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace('/', '\\/')}$`] = path.join(__dirname, target);
}

/** @param {string} projectRoot @param {Partial<import('jest').Config>} overrides */
function jestConfig(projectRoot, overrides = {}) {
  const { setupFilesAfterEnv = [], ...rest } = overrides;
  return {
    displayName: path.relative(__dirname, projectRoot),
    rootDir: projectRoot,
    testEnvironment: 'node',
    transform: {
      '^.+\\.(t|j)sx?$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true, tsx: true },
            transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
            target: 'es2022',
          },
          // keep `import()` as a real dynamic import, so ESM-only packages (pg-boss) load under
          // jest's --experimental-vm-modules instead of failing as require()
          module: { type: 'commonjs', ignoreDynamic: true },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleFileExtensions: ['ts', 'tsx', 'js', 'cjs', 'json'],
    moduleNameMapper,
    testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.spec.tsx'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.next/'],
    globalSetup: path.join(__dirname, 'tools/scripts/jest-property-global-setup.cjs'),
    setupFilesAfterEnv: [path.join(__dirname, 'tools/scripts/jest-property-setup.cjs'), ...setupFilesAfterEnv],
    ...rest,
  };
}

module.exports = { jestConfig };
