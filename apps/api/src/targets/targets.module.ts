import { Module } from '@nestjs/common';
import { TargetsController } from './targets.controller';
import { TargetsRepository } from './targets.repository';
import { TargetsService } from './targets.service';

@Module({ controllers: [TargetsController], providers: [TargetsRepository, TargetsService], exports: [TargetsService] })
export class TargetsModule {}
