/**
 * CFlow-AD's learning-rate schedule (reference `adjust_learning_rate` + `warmup_learning_rate` with
 * lr_cosine, lr_decay_rate 0.1): per meta-epoch e, cosine from lr to eta_min = lr / 1000:
 *   lr_e = eta_min + (lr - eta_min) (1 + cos(pi e / E)) / 2;
 * during the first W meta-epochs, linear warm-up per image batch b of B from lr / 10 to lr_W:
 *   p = (b + e B) / (W B), lr = lr / 10 + p (lr_W - lr / 10)
 * (the reference restarts b every sub-epoch, so the warm-up ramp repeats per sub-epoch; kept as is).
 */
export interface LearningRateSchedule {
  readonly learningRate: number;
  readonly metaEpochs: number;
  readonly warmupMetaEpochs: number;
}

/** Learning rate at meta-epoch `metaEpoch` (0-based), image batch `batch` of `batches` in the sub-epoch. */
export function cflowLearningRate(s: LearningRateSchedule, metaEpoch: number, batch: number, batches: number): number {
  const etaMin = s.learningRate * 1e-3;
  const cosine = (e: number) => etaMin + ((s.learningRate - etaMin) * (1 + Math.cos((Math.PI * e) / s.metaEpochs))) / 2;
  if (metaEpoch < s.warmupMetaEpochs) {
    const from = s.learningRate / 10;
    const to = cosine(s.warmupMetaEpochs);
    const p = (batch + metaEpoch * batches) / (s.warmupMetaEpochs * batches);
    return from + p * (to - from);
  }
  return cosine(metaEpoch);
}
