import { describeReasons } from './review-reasons';

const near = (score: number, threshold: number) => ({ evaluationId: '00000000-0000-4000-8000-000000000001', runId: '00000000-0000-4000-8000-000000000002', score, threshold, distance: 0.1 });
const none = { uncertain: false, recentChange: null, nearThreshold: [], disagreement: null };

describe('describeReasons', () => {
  it('says in words what the queue found', () => {
    expect(describeReasons({ ...none, disagreement: { defective: 2, good: 1 }, nearThreshold: [near(0.97, 1)] })).toBe(
      '2 models call it defective, 1 good; score within 3 % of the threshold',
    );
    expect(describeReasons({ ...none, disagreement: { defective: 1, good: 2 } })).toBe('1 model calls it defective, 2 good');
    expect(describeReasons({ ...none, uncertain: true, recentChange: { changeId: '00000000-0000-4000-8000-000000000003', changedAt: '2026-01-01T00:00:00.000Z' } })).toBe(
      'the label is marked uncertain; the label changed recently',
    );
  });

  it('names the nearest of several near thresholds', () => {
    expect(describeReasons({ ...none, nearThreshold: [near(1.2, 1), near(2.02, 2)] })).toBe('score near the threshold of 2 models (nearest within 1 % of it)');
    expect(describeReasons({ ...none, nearThreshold: [near(5, 5)] })).toBe('score at the threshold');
  });
});
