import { roleSatisfies, type TRole } from '@defectlab/contracts';

/** True when `role` may do what `min` may (viewer < curator < engineer < admin; a worker token may do none of it). */
export function hasRole(role: TRole | null | undefined, min: TRole): boolean {
  if (!role) return false;
  return roleSatisfies(role, min);
}

/** What each role may do in the UI, in words (shown beside disabled controls). */
export const ROLE_CAN: Record<TRole, string> = {
  viewer: 'read runs, evaluations, datasets and targets',
  curator: 'also relabel images',
  engineer: 'also import datasets and start or cancel runs',
  admin: 'also edit targets and manage users',
  worker: 'nothing in the web app (a trainer worker token: worker endpoints only)',
};
