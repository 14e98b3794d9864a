import { DatasetsError } from '../datasets/datasets.errors';
import { LabelsError } from '../labels/labels.errors';
import { RunGroupsError } from '../run-groups/run-groups.errors';
import { RunsError } from '../runs/runs.errors';
import { UsersError } from '../users/users.errors';
import { VersionsError } from '../versions/versions.errors';
import { AppError, httpStatusOf } from './app-error';

describe('coded errors', () => {
  it('maps every feature\'s codes through the one httpStatusOf (runs codes included)', () => {
    const e = new RunsError('LEASE_NOT_HELD', 'another claim holds it');
    expect(e).toBeInstanceOf(AppError);
    expect(e.getStatus()).toBe(httpStatusOf('LEASE_NOT_HELD'));
    expect(e.getResponse()).toEqual({ code: 'LEASE_NOT_HELD', message: 'another claim holds it' });
    expect(httpStatusOf('RUN_NOT_FOUND')).toBe(404);
    expect(httpStatusOf('ARTIFACT_TYPE_NOT_ALLOWED')).toBe(415);
    expect(httpStatusOf('ARTIFACT_TOO_LARGE')).toBe(413);
    // the codes both enums used to define answer the same status wherever they are thrown
    expect(new RunsError('IMAGE_NOT_IN_VERSION', 'x').getStatus()).toBe(new AppError('IMAGE_NOT_IN_VERSION', 'x').getStatus());
    expect(new RunsError('VERSIONS_OF_DIFFERENT_DATASETS', 'x').getStatus()).toBe(400);
  });

  it('every feature error is an AppError whose status comes from httpStatusOf (no second status table)', () => {
    const errors = [
      new RunGroupsError('RUN_GROUP_NOT_FOUND', 'x'),
      new RunGroupsError('CONFIRMATION_REQUIRED', 'x'),
      new VersionsError('DATASET_VERSION_NOT_FOUND', 'x'),
      new DatasetsError('BLOB_NOT_FOUND', 'x'),
      new VersionsError('VERSIONS_OF_DIFFERENT_DATASETS', 'x'),
      new LabelsError('VERSION_CONFLICT', 'x'),
      new UsersError('LAST_ADMIN', 'x'),
    ];
    for (const e of errors) {
      expect(e).toBeInstanceOf(AppError);
      expect(e.getStatus()).toBe(httpStatusOf(e.code));
    }
    expect(errors.map((e) => e.getStatus())).toEqual([404, 400, 404, 404, 400, 409, 409]);
  });
});
