import { fork, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  ApiRequestError,
  completeRun,
  failRun,
  getJobTargets,
  heartbeat,
  reportProgress,
  submitEvaluation,
  type TEvaluationReport,
  type TProgressReport,
  type TWorkerAck,
  type TWorkerJob,
} from '@defectlab/contracts';
import type { TRunManifest } from '../run/run-manifest';
import type { JobChildRequest } from './job-child';
import { ZJobChildMessage } from './job-messages';
import type { AnomalyMapFile } from './write-anomaly-maps';
import type { OperatingPointTargets } from '@defectlab/metrics';
import { CheckpointSync } from './checkpoint-sync';
import { materializeDataset } from './materialize-dataset';
import { tarFolder } from './tar';
import type { WorkerApi } from './worker-api';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const REGISTER = path.join(REPO_ROOT, 'tools', 'scripts', 'register.cjs');
/** Heartbeats go out at least this often, so a cancel reaches the job within about this long. */
const MAX_HEARTBEAT_MS = 2000;

export interface RunJobOptions {
  readonly api: WorkerApi;
  readonly workerId: string;
  /** A folder of the worker's own; the job works in `<workDir>/<runId>-<attempt>` and removes it afterwards. */
  readonly workDir: string;
  readonly log: (line: string) => void;
  readonly backboneCacheDir?: string;
  /** Keep the job folder (debugging). */
  readonly keepFiles?: boolean;
}

export type JobOutcome = 'succeeded' | 'failed' | 'cancelled' | 'taken-back';

class StopRequested extends Error {
  constructor(readonly ack: TWorkerAck) {
    super(ack.reason ?? 'stop requested');
  }
}

/**
 * Runs one claimed job end to end: download the dataset version, fit and evaluate in a child process (the
 * CLI's fitRun + evaluateRun) while heartbeating and forwarding progress, upload the artifacts (weights,
 * ONNX, evaluation report, log), submit the evaluation and complete the run. Any error fails the run with
 * its message; a heartbeat answer that says stop kills the child within MAX_HEARTBEAT_MS and reports the
 * run cancelled (or just lets go of it when it was taken back).
 */
export async function runJob(job: TWorkerJob, o: RunJobOptions): Promise<JobOutcome> {
  const { workerId } = o;
  const api = o.api.forJob(job); // every call about the job carries its lease token
  const dir = path.join(o.workDir, `${job.runId}-${job.attempt}`);
  const logLines: string[] = [];
  const log = (line: string) => {
    logLines.push(`${new Date().toISOString()} ${line}`);
    o.log(`[run ${job.runId.slice(0, 8)}] ${line}`);
  };
  let stop: TWorkerAck | null = null;
  let child: ChildProcess | null = null;
  const onAck = (ack: TWorkerAck) => {
    if (ack.stop && !stop) {
      stop = ack;
      log(`stopping: ${ack.reason ?? 'asked to stop'}`);
      child?.kill('SIGKILL');
    }
  };
  const checkStop = () => {
    if (stop) throw new StopRequested(stop);
  };
  const pending: TProgressReport[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const points = pending.splice(0);
    onAck(await api.call(reportProgress, { params: { runId: job.runId }, body: { workerId, points } }));
  };
  const checkpoints = new CheckpointSync(path.join(dir, 'checkpoint'), path.join(dir, 'checkpoint.tar'), async (bytes) => {
    await api.uploadArtifact(job.runId, workerId, 'checkpoint', bytes, 'application/x-tar');
  });
  const beat = async () => {
    try {
      if (pending.length) await flush();
      else onAck(await api.call(heartbeat, { params: { runId: job.runId }, body: { workerId } }));
    } catch (e) {
      // the lease is another claim's now (the run was taken back and claimed again): let go of it
      if (e instanceof ApiRequestError && e.body.code === 'LEASE_NOT_HELD') onAck({ stop: true, cancelRequested: false, reason: e.body.message });
      else log(`heartbeat failed: ${(e as Error).message}`);
    }
    try {
      const epoch = await checkpoints.syncIfChanged();
      if (epoch !== null) log(`checkpoint after epoch ${epoch} stored`);
    } catch (e) {
      log(`checkpoint upload failed (training goes on): ${(e as Error).message}`);
    }
  };
  const timer = setInterval(() => void beat(), Math.min(MAX_HEARTBEAT_MS, job.heartbeatIntervalSeconds * 1000));
  const phase = (p: TProgressReport) => {
    pending.push(p);
  };

  try {
    await fs.mkdir(dir, { recursive: true });
    log(`attempt ${job.attempt}: ${job.kind} on dataset version ${job.datasetVersionId}, backbone ${job.backbone}, seed ${job.seed}`);
    if (job.resumeCheckpointArtifactId) {
      const epoch = await checkpoints.restore(await api.downloadArtifact(job.resumeCheckpointArtifactId));
      log(`resuming from checkpoint ${job.resumeCheckpointArtifactId} of an earlier attempt (epoch ${epoch ?? '?'} completed)`);
    }
    phase({ phase: 'download', message: 'downloading the dataset version' });
    const data = await materializeDataset(api, job.runId, job.datasetVersionId, path.join(dir, 'data'), log);
    checkStop();
    phase({ phase: 'fit', message: `training on ${data.images} images` });
    const request: JobChildRequest = {
      fit: {
        model: job.kind,
        data: data.dir,
        backbone: job.backbone,
        modelConfig: job.modelConfig,
        splitRule: job.splitRule ?? undefined,
        out: path.join(dir, 'out'),
        backboneCacheDir: o.backboneCacheDir,
        checkpointDir: checkpoints.dir,
      },
      evaluate: { data: data.dir, json: path.join(dir, 'evaluation.json'), backboneCacheDir: o.backboneCacheDir, targets: await productLineTargets(api, job, log) },
      anomalyMapsDir: path.join(dir, 'maps'),
    };
    // progress arrives as typed reports, already rate-limited by the job process (run/progress.ts throttle)
    const { manifest, report, outDir, maps } = await runChild(request, log, (p) => pending.push(p), (c) => (child = c));
    child = null;
    checkStop();

    phase({ phase: 'upload', message: 'uploading artifacts and the evaluation' });
    await flush();
    const weights = await tarFolder(outDir, path.join(dir, 'weights.tar'));
    await api.uploadArtifact(job.runId, workerId, 'weights', weights, 'application/x-tar');
    if (manifest.onnx) {
      await api.uploadArtifact(job.runId, workerId, 'onnx', await fs.readFile(path.join(outDir, manifest.onnx.file)), 'application/octet-stream');
    }
    await api.uploadArtifact(job.runId, workerId, 'report', Buffer.from(JSON.stringify(report, null, 2)), 'application/json');
    const mapIds = new Map<string, string>();
    for (const m of maps) {
      checkStop();
      mapIds.set(m.relPath, (await api.uploadArtifact(job.runId, workerId, 'anomaly_map', await fs.readFile(m.file), 'image/png')).id);
    }
    const predictions = report.predictions.map((p) => {
      const imageId = data.imageIdOf.get(p.relPath);
      if (!imageId) throw new Error(`the evaluation scored ${p.relPath}, which is not an image of the dataset version`);
      return { imageId, split: p.split, score: p.score, anomalyMapArtifactId: mapIds.get(p.relPath) ?? null };
    });
    await api.call(submitEvaluation, { params: { runId: job.runId }, body: { workerId, report, predictions } });
    log('evaluation stored');
    await uploadLog(api, o, job, logLines);
    await api.call(completeRun, {
      params: { runId: job.runId },
      body: {
        workerId,
        fitReport: manifest.fit.resolvedConfig,
        trainingBackend: manifest.fit.backend,
        backbone: { name: manifest.runConfig.backbone.name, sha256: manifest.runConfig.backbone.sha256, sizeBytes: report.backboneSizeBytes },
      },
    });
    o.log(`[run ${job.runId.slice(0, 8)}] succeeded`);
    return 'succeeded';
  } catch (e) {
    child = null;
    const s = stop as TWorkerAck | null;
    if (s && !s.cancelRequested) {
      o.log(`[run ${job.runId.slice(0, 8)}] let go: ${s.reason ?? ''}`);
      return 'taken-back';
    }
    const reason = s?.cancelRequested ? 'stopped on request' : (e as Error)?.message ?? String(e);
    log(s?.cancelRequested ? 'cancelled' : `failed: ${reason}`);
    await uploadLog(api, o, job, logLines);
    try {
      await api.call(failRun, { params: { runId: job.runId }, body: { workerId, error: reason.slice(0, 10000) } });
    } catch (err) {
      o.log(`[run ${job.runId.slice(0, 8)}] could not report the failure: ${(err as Error).message}`);
    }
    return s?.cancelRequested ? 'cancelled' : 'failed';
  } finally {
    clearInterval(timer);
    if (!o.keepFiles) await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The operating-point targets of the dataset's product line (none when it has no Target). */
async function productLineTargets(api: WorkerApi, job: TWorkerJob, log: (line: string) => void): Promise<OperatingPointTargets> {
  const { target: t } = await api.call(getJobTargets, { params: { runId: job.runId } });
  if (!t) return {};
  log(`targets of product line ${t.productLine}: miss <= ${t.maxMissRate}, overkill <= ${t.maxOverkillRate}`);
  return { maxMissRates: [t.maxMissRate], maxOverkillRates: [t.maxOverkillRate] };
}

async function uploadLog(api: WorkerApi, o: RunJobOptions, job: TWorkerJob, lines: string[]): Promise<void> {
  try {
    await api.uploadArtifact(job.runId, o.workerId, 'log', Buffer.from(`${lines.join('\n')}\n`), 'text/plain; charset=utf-8');
  } catch (e) {
    o.log(`[run ${job.runId.slice(0, 8)}] could not upload the log: ${(e as Error).message}`);
  }
}

/** Runs the job's pipeline in a child process; rejects when it fails, is killed or says something malformed. */
function runChild(
  request: JobChildRequest,
  onLog: (line: string) => void,
  onProgress: (p: TProgressReport) => void,
  onSpawn: (c: ChildProcess) => void,
): Promise<{ manifest: TRunManifest; report: TEvaluationReport; outDir: string; maps: AnomalyMapFile[] }> {
  return new Promise((resolve, reject) => {
    const c = fork(path.join(__dirname, 'job-child.ts'), [], { execArgv: ['-r', REGISTER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    onSpawn(c);
    let fitted: { outDir: string; manifest: TRunManifest } | null = null;
    let report: TEvaluationReport | null = null;
    let maps: AnomalyMapFile[] = [];
    let error: string | null = null;
    c.on('message', (raw: unknown) => {
      const parsed = ZJobChildMessage.safeParse(raw);
      if (!parsed.success) {
        error = `the job process sent a malformed message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
        c.kill('SIGKILL');
        return;
      }
      const m = parsed.data;
      if (m.type === 'log') onLog(m.line);
      else if (m.type === 'progress') onProgress(m.report);
      else if (m.type === 'fitted') fitted = { outDir: m.outDir, manifest: m.manifest };
      else if (m.type === 'evaluated') report = m.report;
      else if (m.type === 'maps') maps = m.files;
      else error = m.message;
    });
    c.on('error', reject);
    c.on('exit', (code, signal) => {
      if (fitted && report && code === 0) resolve({ ...fitted, report, maps });
      else reject(new Error(error ?? `the training process ended (${signal ?? `exit code ${code}`}) before finishing`));
    });
    c.send(request);
  });
}
