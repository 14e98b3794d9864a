import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The platform version from the root package.json. */
export const APP_VERSION: string = (
  JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;
