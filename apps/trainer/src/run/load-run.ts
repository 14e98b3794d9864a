import * as path from 'node:path';
import { parseDescriptor } from '@defectlab/backbones';
import type { AnomalyModel } from '@defectlab/ml-core';
import { openBackbone, type ResolvedBackbone } from '../backbone/resolve-backbone';
import { UserError } from '../user-error';
import { modelEntry } from '../model-registry';
import { MODEL_SUBDIR, readManifest, type TRunManifest } from './run-manifest';

/** A fitted run reopened from its folder: manifest, backbone and model. Free with `dispose()`. */
export interface LoadedRun {
  readonly manifest: TRunManifest;
  readonly backbone: ResolvedBackbone;
  readonly model: AnomalyModel;
  dispose(): Promise<void>;
}

/**
 * Reopens the output folder of a `fit`: reads run.json, opens the recorded backbone (checking its
 * sha256 against the fitted one) and loads the model through the registry.
 * @throws UserError when the folder is not a fitted run or the backbone changed
 */
export async function loadRun(dir: string, backboneCacheDir?: string): Promise<LoadedRun> {
  const manifest = await readManifest(dir);
  const rc = manifest.runConfig;
  const entry = modelEntry(rc.model);
  let descriptor;
  try {
    descriptor = parseDescriptor(manifest.backboneDescriptor, `${dir}/run.json backboneDescriptor`);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const backbone = await openBackbone(descriptor, backboneCacheDir);
  try {
    if (backbone.extractor.sha256 !== rc.backbone.sha256) {
      throw new UserError(`backbone ${descriptor.name}: sha256 ${backbone.extractor.sha256} differs from the fitted ${rc.backbone.sha256}`);
    }
    const model = await entry.load(path.join(dir, MODEL_SUBDIR), backbone.extractor);
    return {
      manifest,
      backbone,
      model,
      dispose: async () => {
        try {
          await model.dispose();
        } finally {
          await backbone.extractor.dispose();
        }
      },
    };
  } catch (e) {
    await backbone.extractor.dispose();
    throw e;
  }
}
