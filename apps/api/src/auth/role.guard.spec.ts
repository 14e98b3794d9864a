import { ROLES } from '@defectlab/contracts';
import { roleAtLeast } from './role.guard';
import { generateToken, hashToken, tokenDisplayPrefix } from './tokens';

describe('roles and tokens', () => {
  it('orders people viewer < curator < engineer < admin and keeps worker apart', () => {
    expect(ROLES).toEqual(['viewer', 'curator', 'engineer', 'admin', 'worker']);
    expect(roleAtLeast('worker', 'worker')).toBe(true);
    expect(roleAtLeast('admin', 'worker')).toBe(false);
    expect(roleAtLeast('engineer', 'worker')).toBe(false);
    expect(roleAtLeast('worker', 'viewer')).toBe(false);
    expect(roleAtLeast('worker', 'admin')).toBe(false);
    expect(roleAtLeast('admin', 'viewer')).toBe(true);
    expect(roleAtLeast('engineer', 'engineer')).toBe(true);
    expect(roleAtLeast('curator', 'engineer')).toBe(false);
    expect(roleAtLeast('viewer', 'curator')).toBe(false);
  });

  it('issues random dl_ tokens and stores only their sha256', () => {
    const a = generateToken();
    expect(a).toMatch(/^dl_[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).not.toContain(a.slice(3, 12));
    expect(tokenDisplayPrefix(a)).toBe(a.slice(0, 9));
  });
});
