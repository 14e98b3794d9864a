import { Module } from '@nestjs/common';
import { VersionsModule } from '../versions/versions.module';
import { LabelsController } from './labels.controller';
import { RelabelService } from './relabel.service';
import { ReviewQueueService } from './review-queue.service';

@Module({ imports: [VersionsModule], controllers: [LabelsController], providers: [RelabelService, ReviewQueueService] })
export class LabelsModule {}
