import { Controller, Get } from '@nestjs/common';
import { getHealth, type THealthResponse } from '@defectlab/contracts';
import { HealthService } from './health.service';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get(getHealth.path)
  get(): Promise<THealthResponse> {
    return this.health.check();
  }
}
