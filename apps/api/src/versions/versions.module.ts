import { Module } from '@nestjs/common';
import { ExportService } from './export.service';
import { VersionsController } from './versions.controller';
import { VersionsService } from './versions.service';

@Module({ controllers: [VersionsController], providers: [VersionsService, ExportService], exports: [VersionsService] })
export class VersionsModule {}
