import { Injectable } from '@nestjs/common';
import type { TCreateTargetInput, TTarget, TUpdateTargetInput } from '@defectlab/contracts';
import { AppError } from '../errors/app-error';
import { TargetsRepository } from './targets.repository';

/** Per-product-line targets: what a model must achieve to ship (DESIGN.md section 3). Queries: targets.repository.ts. */
@Injectable()
export class TargetsService {
  constructor(private readonly repo: TargetsRepository) {}

  list(): Promise<TTarget[]> {
    return this.repo.list();
  }

  async get(productLine: string): Promise<TTarget> {
    const t = await this.repo.find(productLine);
    if (!t) throw new AppError('TARGET_NOT_FOUND', `product line "${productLine}" has no targets`);
    return t;
  }

  async create(input: TCreateTargetInput): Promise<TTarget> {
    const t = await this.repo.create(input);
    if (!t) throw new AppError('TARGET_EXISTS', `product line "${input.productLine}" has targets already; PUT to change them`);
    return t;
  }

  async update(productLine: string, input: TUpdateTargetInput): Promise<TTarget> {
    await this.get(productLine);
    return this.repo.update(productLine, input);
  }

  async remove(productLine: string): Promise<TTarget> {
    const existing = await this.get(productLine);
    await this.repo.remove(productLine);
    return existing;
  }
}
