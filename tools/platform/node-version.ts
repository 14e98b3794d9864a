/**
 * The Node.js `npm start` needs. Some dependencies declare a newer Node in their `engines` (pg-boss 12.38:
 * >= 22.12.0; nsfwjs 4.4.0: 22.13.0; @prisma/streams-local 0.1.11, a dependency of the Prisma 7.10 CLI:
 * >= 22.0.0), so `npm ci` warns (EBADENGINE) on Node 20; they run on Node 20.19+ (the suite passes on 20.20),
 * and no release of them that declares Node 20 keeps what we use (pg-boss 10.3.2, two majors back, is the
 * newest declaring >= 20). 20.19 is the real floor: the sources run as CommonJS (@swc-node/register), which
 * turns `await import('pg-boss')` into a require of an ES-module-only package, and 20.19 is the first Node 20
 * that does that without a flag (checked: Node 20.20 with --no-experimental-require-module fails with
 * ERR_REQUIRE_ESM).
 */
export const MIN_NODE_VERSION = '20.19.0';

function parse(v: string): [number, number, number] | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** null when `version` (e.g. process.version, "v20.20.2") is at least `minimum`, else the message to print. */
export function nodeVersionProblem(version: string, minimum = MIN_NODE_VERSION): string | null {
  const have = parse(version);
  const need = parse(minimum) as [number, number, number];
  if (have) {
    for (let i = 0; i < 3; i++) {
      if (have[i] > need[i]) return null;
      if (have[i] < need[i]) break;
      if (i === 2) return null;
    }
  }
  return (
    `DefectLab needs Node.js ${minimum} or newer; this is Node.js ${version}. ` +
    'Install a newer Node.js (20.19+, or 22 LTS, which also silences the engine warnings of npm ci) and run npm start again.'
  );
}
