import { hasRole } from './roles';

describe('hasRole', () => {
  it('orders viewer < curator < engineer < admin', () => {
    expect(hasRole('viewer', 'viewer')).toBe(true);
    expect(hasRole('viewer', 'curator')).toBe(false);
    expect(hasRole('curator', 'curator')).toBe(true);
    expect(hasRole('curator', 'engineer')).toBe(false);
    expect(hasRole('engineer', 'curator')).toBe(true);
    expect(hasRole('admin', 'engineer')).toBe(true);
  });

  it('gives a worker token nothing a person may do', () => {
    for (const min of ['viewer', 'curator', 'engineer', 'admin'] as const) expect(hasRole('worker', min)).toBe(false);
  });

  it('grants nothing without a role', () => {
    expect(hasRole(null, 'viewer')).toBe(false);
    expect(hasRole(undefined, 'viewer')).toBe(false);
  });
});
