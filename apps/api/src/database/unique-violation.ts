/** Whether a Prisma call failed on a unique constraint (P2002): the row exists already, e.g. written by a concurrent request. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'P2002';
}
