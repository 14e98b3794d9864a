import { Module } from '@nestjs/common';
import { ExportService } from './export.service';
import { VersionsController } from './versions.controller';
import { VersionsRepository } from './versions.repository';
import { VersionsService } from './versions.service';

@Module({ controllers: [VersionsController], providers: [VersionsRepository, VersionsService, ExportService], exports: [VersionsService] })
export class VersionsModule {}
