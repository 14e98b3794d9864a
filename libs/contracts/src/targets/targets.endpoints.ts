import { z } from 'zod';
import { defineEndpoint } from '../common/endpoint';
import { ZCreateTargetInput, ZProductLineParams, ZTarget, ZUpdateTargetInput } from './targets.schema';

export const listTargets = defineEndpoint({
  id: 'listTargets',
  method: 'GET',
  path: '/api/targets',
  summary: 'Per-product-line targets (max miss rate, max overkill rate, max size, max ms per image)',
  tag: 'targets',
  minRole: 'viewer',
  response: z.array(ZTarget),
});

export const getTarget = defineEndpoint({
  id: 'getTarget',
  method: 'GET',
  path: '/api/targets/:productLine',
  summary: "One product line's targets",
  tag: 'targets',
  minRole: 'viewer',
  params: ZProductLineParams,
  response: ZTarget,
});

export const createTarget = defineEndpoint({
  id: 'createTarget',
  method: 'POST',
  path: '/api/targets',
  summary: 'Set the targets of a product line that has none (409 when it has)',
  tag: 'targets',
  minRole: 'admin',
  body: ZCreateTargetInput,
  response: ZTarget,
  successStatus: 201,
});

export const updateTarget = defineEndpoint({
  id: 'updateTarget',
  method: 'PUT',
  path: '/api/targets/:productLine',
  summary: "Replace a product line's targets",
  tag: 'targets',
  minRole: 'admin',
  params: ZProductLineParams,
  body: ZUpdateTargetInput,
  response: ZTarget,
});

export const deleteTarget = defineEndpoint({
  id: 'deleteTarget',
  method: 'DELETE',
  path: '/api/targets/:productLine',
  summary: "Delete a product line's targets",
  tag: 'targets',
  minRole: 'admin',
  params: ZProductLineParams,
  response: ZTarget,
});

export const TARGET_ENDPOINTS = [listTargets, getTarget, createTarget, updateTarget, deleteTarget] as const;
