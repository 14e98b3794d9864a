import { Controller } from '@nestjs/common';
import { API_ENDPOINTS, buildOpenApiDocument, getOpenApiDocument } from '@defectlab/contracts';
import { Route } from '../auth/route.decorator';
import { APP_VERSION } from '../version';

@Controller()
export class OpenApiController {
  private readonly document = buildOpenApiDocument(API_ENDPOINTS, {
    title: 'DefectLab API',
    version: APP_VERSION,
    description: 'Train, compare and ship one-class visual anomaly detectors. Generated from libs/contracts.',
  });

  @Route(getOpenApiDocument)
  get(): Record<string, unknown> {
    return this.document;
  }
}
