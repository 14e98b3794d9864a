import { promises as fs } from 'node:fs';
import type { TEvaluationReport } from '@defectlab/contracts';
import { evaluateRun } from '../evaluation/evaluate-run';
import { modelEntry, resolveUserConfig } from '../model-registry';
import { fitRun, type FitRunResult } from '../run/fit-run';
import type { Log } from '../run/progress';
import type { ConfigSource, EvaluateCommand, FitCommand } from './parse-args';
import { UserError } from '../user-error';

/** Reads `--config`: inline JSON as parsed, or a JSON file. */
export async function readConfig(source: ConfigSource | null): Promise<unknown> {
  if (!source) return {};
  if (source.kind === 'inline') return source.value;
  let text: string;
  try {
    text = await fs.readFile(source.path, 'utf8');
  } catch (e) {
    throw new UserError(`--config ${source.path}: cannot read the file (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`--config ${source.path}: not valid JSON (${(e as Error).message})`);
  }
}

/** Runs a parsed `fit` command: the same code path as the worker's training job. */
export async function runFit(cmd: FitCommand, log: Log): Promise<FitRunResult> {
  const splitRule = {
    ...(cmd.splitSeed !== undefined ? { seed: cmd.splitSeed } : {}),
    ...(cmd.validationGoodShare !== undefined ? { validationFractionGood: cmd.validationGoodShare } : {}),
    ...(cmd.validationDefectShare !== undefined ? { validationFractionDefective: cmd.validationDefectShare } : {}),
  };
  return fitRun(
    {
      model: cmd.model,
      data: cmd.data,
      backbone: cmd.backbone,
      modelConfig: resolveUserConfig(modelEntry(cmd.model).kind, await readConfig(cmd.config), cmd.seed ?? 0, cmd.imageSize),
      splitRule,
      out: cmd.out,
      ...(cmd.checkpointDir !== undefined ? { checkpointDir: cmd.checkpointDir } : {}),
    },
    log,
  );
}

/** Runs a parsed `evaluate` command and writes the JSON report. */
export function runEvaluate(cmd: EvaluateCommand, log: Log): Promise<TEvaluationReport> {
  return evaluateRun(
    {
      modelDir: cmd.modelDir,
      data: cmd.data,
      json: cmd.json,
      targets: { maxMissRates: cmd.targetMiss, maxOverkillRates: cmd.targetOverkill },
      validationDefectShare: cmd.validationDefectShare,
      latencyRuns: cmd.latencyRuns,
    },
    log,
  );
}
