/**
 * The trainer CLI (no server needed): `fit`, `evaluate` and `sweep`, the same code path as the worker.
 * Progress goes to stderr; bad input exits with code 2 and one clear line, other failures with 1.
 * Usage: npm run cli -- --help
 */
import { DatasetError } from '@defectlab/datasets';
import { parseArgs, USAGE } from './cli/parse-args';
import { runEvaluate, runFit } from './cli/run-command';
import { runSweep } from './cli/sweep-command';
import { UserError } from './user-error';

const log = (line: string): void => {
  process.stderr.write(`[trainer ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

async function main(argv: readonly string[]): Promise<number> {
  const cmd = parseArgs(argv);
  if (cmd.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (cmd.command === 'fit') {
    const r = await runFit(cmd, log);
    process.stdout.write(`${r.outDir}\n`);
    return 0;
  }
  if (cmd.command === 'sweep') {
    const plan = await runSweep(cmd, log);
    const failed = plan.runs.filter((r) => r.status === 'failed').length;
    process.stdout.write(`${plan.runs.map((r) => r.dir).join('\n')}\n`);
    return failed > 0 ? 1 : 0;
  }
  const report = await runEvaluate(cmd, log);
  const f1 = report.operatingPoints.find((p) => p.name === 'f1-max');
  log(`image AUROC ${report.imageAuroc?.toFixed(4) ?? 'n/a'}, pixel AUROC ${report.pixelAuroc?.toFixed(4) ?? 'n/a'}, PRO ${report.pro?.toFixed(4) ?? 'n/a'}, latency p50 ${report.latencyMs.p50.toFixed(1)} ms${f1 ? `, f1-max: miss ${fmt(f1.missRate)} overkill ${fmt(f1.overkillRate)}` : ''}`);
  return 0;
}

function fmt(r: number | null): string {
  return r === null ? 'n/a' : `${(r * 100).toFixed(2)} %`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UserError || e instanceof DatasetError) {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      if (e instanceof UserError && /unknown command|unknown flag|missing --|needs a value/.test(e.message)) process.stderr.write(`${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
