import { z } from 'zod';
import { ZModelKind } from '../evaluation/model-kind.schema';
import { ZPageQuery, zPage, ZTimestamp } from '../paging/page.schema';
import { ZRun, runSubmissionFields } from '../runs/runs.schema';
import { ZUserRef } from '../datasets/datasets.schema';
import { MAX_SWEEP_RUNS, ZSweepGrid, gridSize, sweepIssues } from './sweep-grid';

/**
 * POST /api/run-groups: one model kind, one dataset version, a base config and a grid of option values; the
 * group's runs are the grid's cartesian product, each with the base config and its point. Every point is
 * checked with the kind's strict schema (400 naming `body.grid.<option>` or `body.baseConfig.<field>`) before
 * any run is stored; more runs than the server's confirmation limit need `confirm: true`.
 */
export const ZCreateRunGroupInput = z
  .strictObject({
    kind: ZModelKind,
    name: z.string().trim().min(1).max(200).optional(),
    /** Config fields every run shares (a preset, say); the grid's values go over them. */
    baseConfig: z.record(z.string(), z.unknown()).default({}),
    grid: ZSweepGrid,
    /** Needed when the grid has more runs than the server's confirmation limit. */
    confirm: z.boolean().default(false),
    ...runSubmissionFields,
  })
  .superRefine((v, ctx) => {
    const n = gridSize(v.grid);
    if (n > MAX_SWEEP_RUNS) {
      ctx.addIssue({ code: 'custom', path: ['grid'], message: `the grid has ${n} runs; at most ${MAX_SWEEP_RUNS} per group` });
      return;
    }
    for (const issue of sweepIssues(v.kind, v.baseConfig, v.grid)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }, { when: (payload) => payload.issues.length === 0 }); // points are checked only once the shape parsed
export type TCreateRunGroupInput = z.input<typeof ZCreateRunGroupInput>;

export const ZRunGroupSummary = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  kind: ZModelKind,
  datasetVersionId: z.uuid(),
  baseConfig: z.record(z.string(), z.unknown()),
  grid: z.record(z.string(), z.array(z.unknown())),
  runCount: z.number().int(),
  createdBy: ZUserRef.nullable(),
  createdAt: ZTimestamp,
});
export type TRunGroupSummary = z.infer<typeof ZRunGroupSummary>;

/** A group with its runs, in grid order; `gridPoint` is each run's values of the grid's options. */
export const ZRunGroup = ZRunGroupSummary.extend({
  runs: z.array(z.object({ gridPoint: z.record(z.string(), z.unknown()), run: ZRun })),
});
export type TRunGroup = z.infer<typeof ZRunGroup>;

export const ZRunGroupIdParams = z.object({ groupId: z.uuid() });
export const ZListRunGroupsQuery = ZPageQuery;
export const ZRunGroupPage = zPage(ZRunGroupSummary);
export type TRunGroupPage = z.infer<typeof ZRunGroupPage>;
