// Lets Node run the TypeScript sources directly: SWC transpiles them (with decorator metadata
// for NestJS) and resolves the @defectlab/* path aliases. Usage: node -r ./tools/scripts/register.cjs file.ts
const path = require('node:path');

process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', '..', 'tsconfig.runtime.json');
require('@swc-node/register');
