import { Inject, Injectable } from '@nestjs/common';
import type { TCreateTargetInput, TTarget, TUpdateTargetInput } from '@defectlab/contracts';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import { isUniqueViolation } from '../database/unique-violation';
import type { Prisma } from '../generated/prisma/client';

/** The columns a target is answered with. */
export const TARGET_SELECT = { productLine: true, maxMissRate: true, maxOverkillRate: true, maxSizeBytes: true, maxLatencyMs: true, updatedAt: true } satisfies Prisma.TargetSelect;
type TargetRow = Prisma.TargetGetPayload<{ select: typeof TARGET_SELECT }>;

export const toTarget = (t: TargetRow): TTarget => ({ ...t, maxSizeBytes: Number(t.maxSizeBytes), updatedAt: t.updatedAt.toISOString() });

/** Every Prisma call of the targets feature. */
@Injectable()
export class TargetsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(): Promise<TTarget[]> {
    return (await this.db.prisma.target.findMany({ select: TARGET_SELECT, orderBy: { productLine: 'asc' } })).map(toTarget);
  }

  async find(productLine: string): Promise<TTarget | null> {
    const t = await this.db.prisma.target.findUnique({ where: { productLine }, select: TARGET_SELECT });
    return t ? toTarget(t) : null;
  }

  /** Creates the product line's targets; null when it has targets already. */
  async create(input: TCreateTargetInput): Promise<TTarget | null> {
    try {
      return toTarget(await this.db.prisma.target.create({ data: { ...input, maxSizeBytes: BigInt(input.maxSizeBytes) }, select: TARGET_SELECT }));
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  async update(productLine: string, input: TUpdateTargetInput): Promise<TTarget> {
    return toTarget(await this.db.prisma.target.update({ where: { productLine }, data: { ...input, maxSizeBytes: BigInt(input.maxSizeBytes) }, select: TARGET_SELECT }));
  }

  async remove(productLine: string): Promise<void> {
    await this.db.prisma.target.delete({ where: { productLine } });
  }
}
