import { splitDataset, type MvtecRecord } from '@defectlab/datasets';
import { describeSplitRule, splitCounts } from './split';

function rec(relPath: string): MvtecRecord {
  const [split, cls] = relPath.split('/');
  return { path: `/d/${relPath}`, relPath, split: split as 'train' | 'test', label: cls === 'good' ? 'good' : 'defective', defectType: cls, maskPath: null };
}

const records = [
  ...Array.from({ length: 20 }, (_, i) => rec(`train/good/${i}.png`)),
  ...Array.from({ length: 6 }, (_, i) => rec(`test/good/${i}.png`)),
  ...Array.from({ length: 10 }, (_, i) => rec(`test/crack/${i}.png`)),
  ...Array.from({ length: 4 }, (_, i) => rec(`test/hole/${i}.png`)),
];

describe('splitCounts / describeSplitRule', () => {
  it('counts each split and class', () => {
    const s = splitDataset(records, { seed: 0, validationFractionGood: 0.1, validationFractionDefective: 0.5 });
    // 10 % of 20 train/good; half of each defect type (5 + 2); test/good never moves
    expect(splitCounts(s)).toEqual({ train: 18, validationGood: 2, validationDefective: 7, testGood: 6, testDefective: 7 });
  });

  it('states the rule, the defect share and the resulting counts in words', () => {
    const rule = { kind: 'hash-v1' as const, seed: 4, validationFractionGood: 0.1, validationFractionDefective: 0.5 };
    const text = describeSplitRule(rule, splitCounts(splitDataset(records, rule)));
    expect(text).toContain('seed 4');
    expect(text).toContain('50 % moved to validation (7 defective images)');
    expect(text).toContain('excluded from every test figure');
    expect(text).toContain('test: 6 good + 7 defective');
    const none = describeSplitRule({ ...rule, validationFractionDefective: 0 }, splitCounts(splitDataset(records, { ...rule, validationFractionDefective: 0 })));
    expect(none).toContain('cannot be fitted');
  });
});
