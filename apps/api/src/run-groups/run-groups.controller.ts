import { Controller } from '@nestjs/common';
import { createRunGroup, getRunGroup, listRunGroups, ZCreateRunGroupInput, ZListRunGroupsQuery, type TRunGroup, type TRunGroupPage } from '@defectlab/contracts';
import type { z } from 'zod';
import { Caller, type AuthContext } from '../auth/auth-context';
import { Route, ValidBody, ValidParams, ValidQuery } from '../auth/route.decorator';
import { RunGroupsService } from './run-groups.service';

/** Sweeps (run groups) over HTTP; rules live in RunGroupsService. */
@Controller()
export class RunGroupsController {
  constructor(private readonly groups: RunGroupsService) {}

  @Route(createRunGroup)
  create(@ValidBody(createRunGroup) body: z.output<typeof ZCreateRunGroupInput>, @Caller() caller: AuthContext): Promise<TRunGroup> {
    return this.groups.create(body, caller.user.id);
  }

  @Route(listRunGroups)
  list(@ValidQuery(listRunGroups) query: z.output<typeof ZListRunGroupsQuery>): Promise<TRunGroupPage> {
    return this.groups.list(query);
  }

  @Route(getRunGroup)
  get(@ValidParams(getRunGroup) params: { groupId: string }): Promise<TRunGroup> {
    return this.groups.get(params.groupId);
  }
}
