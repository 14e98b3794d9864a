/**
 * Pure argument parsing of the trainer CLI (no I/O): argv in, a typed command out, or a UserError whose
 * message names the offending argument.
 */
import { UserError } from '../user-error';

export const USAGE = `Usage:
  npm run cli -- fit --model csflow|patchcore|cfa|fastflow|cflow --data <MVTec folder> --backbone <descriptor .json | .onnx | shipped name | default>
                 [--config <json or file>] [--seed N] [--image-size N] [--validation-good-share F] [--validation-defect-share F]
                 [--split-seed N] [--checkpoint-dir <dir>] --out <dir>
                 (--checkpoint-dir: checkpoints every checkpointEvery epochs; a fit started again with it resumes there)
  npm run cli -- evaluate --model-dir <dir> --data <MVTec folder> --json <file>
                 [--target-miss F]... [--target-overkill F]... [--validation-defect-share F] [--latency-runs N]
  npm run cli -- sweep --kind <model kind> --grid '<json: option -> [values]>' --data <MVTec folder> --backbone <...> --out <dir>
                 [--config <base json or file>] [--seed N] [--image-size N] [--yes] [--dry-run]
                 (every grid point is checked before any run; more than DEFECTLAB_SWEEP_CONFIRM_LIMIT (12) runs need --yes)
Fractions F are 0.005 or 0.5%.`;

/** `--config` as given: inline JSON (already parsed) or a file to read. */
export type ConfigSource = { readonly kind: 'inline'; readonly value: unknown } | { readonly kind: 'file'; readonly path: string };

export interface FitCommand {
  readonly command: 'fit';
  readonly model: string;
  readonly data: string;
  readonly backbone: string;
  readonly config: ConfigSource | null;
  readonly seed?: number;
  readonly imageSize?: number;
  readonly validationGoodShare?: number;
  readonly validationDefectShare?: number;
  readonly splitSeed?: number;
  /** Where the model writes its checkpoints and resumes from (models that train by steps). */
  readonly checkpointDir?: string;
  readonly out: string;
}

export interface EvaluateCommand {
  readonly command: 'evaluate';
  readonly modelDir: string;
  readonly data: string;
  readonly json: string;
  readonly targetMiss: number[];
  readonly targetOverkill: number[];
  readonly validationDefectShare?: number;
  readonly latencyRuns?: number;
}

export interface SweepCommand {
  readonly command: 'sweep';
  readonly kind: string;
  /** The grid as parsed JSON (checked against the kind's schema by the sweep itself). */
  readonly grid: unknown;
  readonly data: string;
  readonly backbone: string;
  readonly config: ConfigSource | null;
  readonly seed?: number;
  readonly imageSize?: number;
  readonly out: string;
  /** Start more runs than the confirmation limit. */
  readonly yes: boolean;
  /** Validate and write the plan (sweep.json) without training. */
  readonly dryRun: boolean;
}

export type CliCommand = FitCommand | EvaluateCommand | SweepCommand | { readonly command: 'help' };

const FIT_FLAGS = ['model', 'data', 'backbone', 'config', 'seed', 'image-size', 'validation-good-share', 'validation-defect-share', 'split-seed', 'checkpoint-dir', 'out'];
const EVALUATE_FLAGS = ['model-dir', 'data', 'json', 'target-miss', 'target-overkill', 'validation-defect-share', 'latency-runs'];
const SWEEP_FLAGS = ['kind', 'grid', 'data', 'backbone', 'config', 'seed', 'image-size', 'out', 'yes', 'dry-run'];
const REPEATABLE = new Set(['target-miss', 'target-overkill']);
/** Flags that take no value. */
const SWITCHES = new Set(['yes', 'dry-run']);

/**
 * Parses `argv` (without node and the script), e.g. `['fit', '--model', 'csflow', ...]`.
 * Accepts `--flag value` and `--flag=value`.
 * @throws UserError for an unknown command or flag, a missing value or required flag, or a bad number
 */
export function parseArgs(argv: readonly string[]): CliCommand {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command !== 'fit' && command !== 'evaluate' && command !== 'sweep') throw new UserError(`unknown command "${command}" (expected fit, evaluate or sweep)`);
  const flags = collectFlags(rest, command === 'fit' ? FIT_FLAGS : command === 'sweep' ? SWEEP_FLAGS : EVALUATE_FLAGS, command);
  if (flags.has('help')) return { command: 'help' };
  const one = (name: string): string | undefined => flags.get(name)?.[0];
  const required = (name: string): string => {
    const v = one(name);
    if (v === undefined) throw new UserError(`${command}: missing --${name}`);
    return v;
  };
  if (command === 'sweep') {
    return {
      command,
      kind: required('kind'),
      grid: parseJsonFlag(required('grid'), 'grid'),
      data: required('data'),
      backbone: required('backbone'),
      config: parseConfigSource(one('config')),
      seed: optionalInt(one('seed'), 'seed'),
      imageSize: optionalInt(one('image-size'), 'image-size', 1),
      out: required('out'),
      yes: flags.has('yes'),
      dryRun: flags.has('dry-run'),
    };
  }
  if (command === 'fit') {
    return {
      command,
      model: required('model'),
      data: required('data'),
      backbone: required('backbone'),
      config: parseConfigSource(one('config')),
      seed: optionalInt(one('seed'), 'seed'),
      imageSize: optionalInt(one('image-size'), 'image-size', 1),
      validationGoodShare: optionalFraction(one('validation-good-share'), 'validation-good-share'),
      validationDefectShare: optionalFraction(one('validation-defect-share'), 'validation-defect-share'),
      splitSeed: optionalInt(one('split-seed'), 'split-seed'),
      ...(one('checkpoint-dir') !== undefined ? { checkpointDir: one('checkpoint-dir') } : {}),
      out: required('out'),
    };
  }
  return {
    command,
    modelDir: required('model-dir'),
    data: required('data'),
    json: required('json'),
    targetMiss: (flags.get('target-miss') ?? []).map((v) => parseFraction(v, 'target-miss')),
    targetOverkill: (flags.get('target-overkill') ?? []).map((v) => parseFraction(v, 'target-overkill')),
    validationDefectShare: optionalFraction(one('validation-defect-share'), 'validation-defect-share'),
    latencyRuns: optionalInt(one('latency-runs'), 'latency-runs', 1),
  };
}

function collectFlags(args: readonly string[], allowed: readonly string[], command: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--help' || a === '-h') {
      out.set('help', []);
      continue;
    }
    if (!a.startsWith('--')) throw new UserError(`${command}: unexpected argument "${a}" (flags look like --name value)`);
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (!allowed.includes(name)) throw new UserError(`${command}: unknown flag --${name} (known: ${allowed.map((f) => `--${f}`).join(', ')})`);
    let value: string;
    if (SWITCHES.has(name)) {
      if (eq >= 0) throw new UserError(`${command}: --${name} takes no value`);
      value = '';
    } else if (eq >= 0) value = a.slice(eq + 1);
    else {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UserError(`${command}: --${name} needs a value`);
      value = next;
      i++;
    }
    const list = out.get(name) ?? [];
    if (list.length > 0 && !REPEATABLE.has(name)) throw new UserError(`${command}: --${name} given twice`);
    list.push(value);
    out.set(name, list);
  }
  return out;
}

/** Inline JSON when the value starts with "{", else a file path. */
export function parseConfigSource(value: string | undefined): ConfigSource | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{')) return { kind: 'file', path: value };
  try {
    return { kind: 'inline', value: JSON.parse(trimmed) };
  } catch (e) {
    throw new UserError(`--config: not valid JSON (${(e as Error).message})`);
  }
}

function parseJsonFlag(value: string, flag: string): unknown {
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new UserError(`--${flag}: not valid JSON (${(e as Error).message})`);
  }
}

/** "0.005" or "0.5%" -> 0.005; must lie in [0, 1]. */
export function parseFraction(value: string, flag: string): number {
  const pct = value.trim().endsWith('%');
  const text = pct ? value.trim().slice(0, -1) : value.trim();
  const n = text === '' ? NaN : Number(text);
  const f = pct ? n / 100 : n;
  if (!Number.isFinite(f) || f < 0 || f > 1) throw new UserError(`--${flag} ${value}: expected a fraction in [0, 1] such as 0.005 or 0.5%`);
  return f;
}

function optionalFraction(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : parseFraction(value, flag);
}

function optionalInt(value: string | undefined, flag: string, min = -Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`--${flag} ${value}: expected an integer${min > -Infinity ? ` >= ${min}` : ''}`);
  return n;
}
