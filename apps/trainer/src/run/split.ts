import type { TSplitRule } from '@defectlab/contracts';
import { DatasetError, readMvtecFolder, splitDataset, type DatasetSplits } from '@defectlab/datasets';
import type { TSplitCounts } from '@defectlab/contracts';
import { UserError } from '../user-error';

/**
 * Lists an MVTec folder and splits it by `rule`.
 * @throws UserError naming the folder when it is missing or not in MVTec layout
 */
export async function readAndSplit(dataDir: string, rule: TSplitRule): Promise<DatasetSplits> {
  try {
    return splitDataset(await readMvtecFolder(dataDir), rule);
  } catch (e) {
    if (e instanceof DatasetError) throw new UserError(`--data ${dataDir}: ${e.message}`);
    throw e;
  }
}

/** Images per split and class. */
export function splitCounts(s: DatasetSplits): TSplitCounts {
  const count = (list: DatasetSplits['train'], label: 'good' | 'defective') => list.filter((r) => r.label === label).length;
  return {
    train: s.train.length,
    validationGood: count(s.validation, 'good'),
    validationDefective: count(s.validation, 'defective'),
    testGood: count(s.test, 'good'),
    testDefective: count(s.test, 'defective'),
  };
}

/** The split rule and its consequences in words, recorded verbatim in every report. */
export function describeSplitRule(rule: TSplitRule, counts: TSplitCounts): string {
  const pct = (f: number) => `${+(f * 100).toFixed(2)} %`;
  const parts = [
    `Split rule ${rule.kind}, seed ${rule.seed}: within each group, images are ranked by sha256("${rule.seed}:<relative path>") and the first round(fraction x group size) go to validation.`,
    `train/good: ${pct(rule.validationFractionGood)} to validation (never trained on), the rest to train (${counts.train} images).`,
  ];
  if (rule.validationFractionDefective > 0) {
    parts.push(
      `Each test defect type: ${pct(rule.validationFractionDefective)} moved to validation (${counts.validationDefective} defective images), so miss-rate thresholds can be fitted there; these images are excluded from every test figure.`,
    );
  } else {
    parts.push('No test defects are moved to validation, so thresholds constrained by miss rate cannot be fitted (omitted).');
  }
  parts.push(`test/good is never moved. Validation: ${counts.validationGood} good + ${counts.validationDefective} defective; test: ${counts.testGood} good + ${counts.testDefective} defective.`);
  return parts.join(' ');
}
