import { Global, Module } from '@nestjs/common';
import { ARTIFACT_STORE, type ArtifactStore } from './artifact-store';

/** Provides the process's ArtifactStore (built before Nest starts, see app.factory.ts). */
@Global()
@Module({})
export class StorageModule {
  static forStore(store: ArtifactStore) {
    return { module: StorageModule, providers: [{ provide: ARTIFACT_STORE, useValue: store }], exports: [ARTIFACT_STORE] };
  }
}
