import { Module } from '@nestjs/common';
import { VersionsModule } from '../versions/versions.module';
import { LabelsController } from './labels.controller';
import { LabelsRepository } from './labels.repository';
import { ProposedMasks } from './proposed-masks';
import { RelabelService } from './relabel.service';
import { ReviewQueueRepository } from './review-queue.repository';
import { ReviewQueueService } from './review-queue.service';

@Module({ imports: [VersionsModule], controllers: [LabelsController], providers: [LabelsRepository, ProposedMasks, RelabelService, ReviewQueueRepository, ReviewQueueService] })
export class LabelsModule {}
