import { Controller, Get } from '@nestjs/common';
import { API_ENDPOINTS, buildOpenApiDocument, getOpenApiDocument } from '@defectlab/contracts';
import { APP_VERSION } from '../version';

@Controller()
export class OpenApiController {
  private readonly document = buildOpenApiDocument(API_ENDPOINTS, {
    title: 'DefectLab API',
    version: APP_VERSION,
    description: 'Train, compare and ship one-class visual anomaly detectors. Generated from libs/contracts.',
  });

  @Get(getOpenApiDocument.path)
  get(): Record<string, unknown> {
    return this.document;
  }
}
