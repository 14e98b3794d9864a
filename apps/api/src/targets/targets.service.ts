import { Inject, Injectable } from '@nestjs/common';
import type { TCreateTargetInput, TTarget, TUpdateTargetInput } from '@defectlab/contracts';
import { DATABASE } from '../database/database.module';
import type { Database } from '../database/database';
import { AppError } from '../errors/app-error';

const TARGET_SELECT = { productLine: true, maxMissRate: true, maxOverkillRate: true, maxSizeBytes: true, maxLatencyMs: true, updatedAt: true } as const;

type TargetRow = { productLine: string; maxMissRate: number; maxOverkillRate: number; maxSizeBytes: bigint; maxLatencyMs: number; updatedAt: Date };

const toTarget = (t: TargetRow): TTarget => ({ ...t, maxSizeBytes: Number(t.maxSizeBytes), updatedAt: t.updatedAt.toISOString() });

/** Per-product-line targets: what a model must achieve to ship (DESIGN.md section 3). */
@Injectable()
export class TargetsService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(): Promise<TTarget[]> {
    return (await this.db.prisma.target.findMany({ select: TARGET_SELECT, orderBy: { productLine: 'asc' } })).map(toTarget);
  }

  async get(productLine: string): Promise<TTarget> {
    const t = await this.db.prisma.target.findUnique({ where: { productLine }, select: TARGET_SELECT });
    if (!t) throw new AppError('TARGET_NOT_FOUND', `product line "${productLine}" has no targets`);
    return toTarget(t);
  }

  async create(input: TCreateTargetInput): Promise<TTarget> {
    try {
      return toTarget(await this.db.prisma.target.create({ data: { ...input, maxSizeBytes: BigInt(input.maxSizeBytes) }, select: TARGET_SELECT }));
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw new AppError('TARGET_EXISTS', `product line "${input.productLine}" has targets already; PUT to change them`);
      throw err;
    }
  }

  async update(productLine: string, input: TUpdateTargetInput): Promise<TTarget> {
    await this.get(productLine);
    return toTarget(await this.db.prisma.target.update({ where: { productLine }, data: { ...input, maxSizeBytes: BigInt(input.maxSizeBytes) }, select: TARGET_SELECT }));
  }

  async remove(productLine: string): Promise<TTarget> {
    const existing = await this.get(productLine);
    await this.db.prisma.target.delete({ where: { productLine } });
    return existing;
  }
}
