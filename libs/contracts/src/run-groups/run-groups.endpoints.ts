import { defineEndpoint } from '../common/endpoint';
import { ZCreateRunGroupInput, ZListRunGroupsQuery, ZRunGroup, ZRunGroupIdParams, ZRunGroupPage } from './run-groups.schema';

export const createRunGroup = defineEndpoint({
  id: 'createRunGroup',
  method: 'POST',
  path: '/api/run-groups',
  summary: 'Start a sweep: one queued run per point of the grid (every point validated first)',
  tag: 'runs',
  minRole: 'engineer',
  body: ZCreateRunGroupInput,
  response: ZRunGroup,
  successStatus: 201,
});

export const listRunGroups = defineEndpoint({
  id: 'listRunGroups',
  method: 'GET',
  path: '/api/run-groups',
  summary: 'Run groups (sweeps), newest first',
  tag: 'runs',
  minRole: 'viewer',
  query: ZListRunGroupsQuery,
  response: ZRunGroupPage,
});

export const getRunGroup = defineEndpoint({
  id: 'getRunGroup',
  method: 'GET',
  path: '/api/run-groups/:groupId',
  summary: 'One run group with its runs in grid order',
  tag: 'runs',
  minRole: 'viewer',
  params: ZRunGroupIdParams,
  response: ZRunGroup,
});

export const RUN_GROUP_ENDPOINTS = [createRunGroup, listRunGroups, getRunGroup] as const;
