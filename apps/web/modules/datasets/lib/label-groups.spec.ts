import { classOf, countByClassAndSplit, samplesPerClass } from './label-groups';

const l = (relPath: string, split: 'train' | 'test', value: 'good' | 'defective', defectType: string | null = null) => ({ relPath, split, value, defectType });

describe('label groups', () => {
  const labels = [
    l('train/good/1.png', 'train', 'good'),
    l('train/good/2.png', 'train', 'good'),
    l('test/good/1.png', 'test', 'good'),
    l('test/scratch/1.png', 'test', 'defective', 'scratch'),
    l('test/crack/2.png', 'test', 'defective', 'crack'),
    l('test/crack/1.png', 'test', 'defective', 'crack'),
    l('test/x/1.png', 'test', 'defective', null),
  ];

  it('counts images per class and split, good first, validation shown as 0 (it is carved per run)', () => {
    const c = countByClassAndSplit(labels);
    expect(c.classes).toEqual(['good', 'crack', 'defective', 'scratch']);
    expect(c.splits).toEqual(['train', 'validation', 'test']);
    expect(c.counts.get('good')?.get('train')).toBe(2);
    expect(c.counts.get('crack')?.get('test')).toBe(2);
    expect(c.totalBySplit.get('validation')).toBe(0);
    expect(c.totalBySplit.get('test')).toBe(5);
  });

  it('samples the first images of each class in path order', () => {
    const s = samplesPerClass(labels, 1);
    expect(s.get('crack')?.map((x) => x.relPath)).toEqual(['test/crack/1.png']);
    expect([...s.keys()].sort()).toEqual(['crack', 'defective', 'good', 'scratch']);
    expect(classOf({ value: 'defective', defectType: null })).toBe('defective');
  });
});
