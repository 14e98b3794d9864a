import { Controller } from '@nestjs/common';
import {
  createTarget,
  deleteTarget,
  getTarget,
  listTargets,
  updateTarget,
  type TCreateTargetInput,
  type TTarget,
  type TUpdateTargetInput,
} from '@defectlab/contracts';
import { Route, ValidBody, ValidParams } from '../auth/route.decorator';
import { TargetsService } from './targets.service';

@Controller()
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

  @Route(listTargets)
  list(): Promise<TTarget[]> {
    return this.targets.list();
  }

  @Route(getTarget)
  get(@ValidParams(getTarget) params: { productLine: string }): Promise<TTarget> {
    return this.targets.get(params.productLine);
  }

  @Route(createTarget)
  create(@ValidBody(createTarget) body: TCreateTargetInput): Promise<TTarget> {
    return this.targets.create(body);
  }

  @Route(updateTarget)
  update(@ValidParams(updateTarget) params: { productLine: string }, @ValidBody(updateTarget) body: TUpdateTargetInput): Promise<TTarget> {
    return this.targets.update(params.productLine, body);
  }

  @Route(deleteTarget)
  remove(@ValidParams(deleteTarget) params: { productLine: string }): Promise<TTarget> {
    return this.targets.remove(params.productLine);
  }
}
