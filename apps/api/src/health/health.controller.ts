import { Controller } from '@nestjs/common';
import { getHealth, type THealthResponse } from '@defectlab/contracts';
import { Route } from '../auth/route.decorator';
import { HealthService } from './health.service';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Route(getHealth)
  get(): Promise<THealthResponse> {
    return this.health.check();
  }
}
