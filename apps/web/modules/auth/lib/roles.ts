import { ROLES, type TRole } from '@defectlab/contracts';

/** True when `role` is at least `min` (viewer < curator < engineer < admin). */
export function hasRole(role: TRole | null | undefined, min: TRole): boolean {
  if (!role) return false;
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

/** What each role may do in the UI, in words (shown beside disabled controls). */
export const ROLE_CAN: Record<TRole, string> = {
  viewer: 'read runs, evaluations, datasets and targets',
  curator: 'also relabel images',
  engineer: 'also import datasets and start or cancel runs',
  admin: 'also edit targets and manage users',
};
