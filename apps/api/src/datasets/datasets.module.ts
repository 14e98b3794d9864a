import path from 'node:path';
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatasetsController } from './datasets.controller';
import { DatasetsRepository } from './datasets.repository';
import { DatasetsService } from './datasets.service';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';

@Module({
  imports: [
    // uploads stream to a temporary file (never into memory), limited to DEFECTLAB_UPLOAD_MAX_BYTES (413 beyond)
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        dest: path.join(config.dataDir, 'tmp', 'uploads'),
        limits: { fileSize: config.storage.uploadMaxBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
      }),
    }),
  ],
  controllers: [DatasetsController],
  providers: [DatasetsRepository, DatasetsService, ImportsRepository, ImportsService],
  exports: [DatasetsService],
})
export class DatasetsModule {}
