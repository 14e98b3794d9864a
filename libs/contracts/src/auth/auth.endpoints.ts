import { z } from 'zod';
import { defineEndpoint } from '../common/endpoint';
import {
  ZApiTokenInfo,
  ZCreateTokenInput,
  ZCreateUserInput,
  ZIssuedToken,
  ZMe,
  ZTokenIdParams,
  ZUpdateUserInput,
  ZUser,
  ZUserIdParams,
} from './auth.schema';

export const getMe = defineEndpoint({
  id: 'getMe',
  method: 'GET',
  path: '/api/auth/me',
  summary: 'The user and token of this request',
  tag: 'auth',
  minRole: 'viewer',
  response: ZMe,
});

export const listUsers = defineEndpoint({
  id: 'listUsers',
  method: 'GET',
  path: '/api/users',
  summary: 'Every user with their role',
  tag: 'auth',
  minRole: 'admin',
  response: z.array(ZUser),
});

export const createUser = defineEndpoint({
  id: 'createUser',
  method: 'POST',
  path: '/api/users',
  summary: 'Create a user (409 when the e-mail is taken)',
  tag: 'auth',
  minRole: 'admin',
  body: ZCreateUserInput,
  response: ZUser,
  successStatus: 201,
});

export const updateUser = defineEndpoint({
  id: 'updateUser',
  method: 'PATCH',
  path: '/api/users/:userId',
  summary: "Change a user's name or role",
  tag: 'auth',
  minRole: 'admin',
  params: ZUserIdParams,
  body: ZUpdateUserInput,
  response: ZUser,
});

export const listUserTokens = defineEndpoint({
  id: 'listUserTokens',
  method: 'GET',
  path: '/api/users/:userId/tokens',
  summary: "A user's tokens (prefix only, never the secret)",
  tag: 'auth',
  minRole: 'admin',
  params: ZUserIdParams,
  response: z.array(ZApiTokenInfo),
});

export const createUserToken = defineEndpoint({
  id: 'createUserToken',
  method: 'POST',
  path: '/api/users/:userId/tokens',
  summary: 'Issue a bearer token for a user; the secret is in this response only',
  tag: 'auth',
  minRole: 'admin',
  params: ZUserIdParams,
  body: ZCreateTokenInput,
  response: ZIssuedToken,
  successStatus: 201,
});

export const revokeToken = defineEndpoint({
  id: 'revokeToken',
  method: 'DELETE',
  path: '/api/tokens/:tokenId',
  summary: 'Revoke a token (it answers 401 from then on)',
  tag: 'auth',
  minRole: 'admin',
  params: ZTokenIdParams,
  response: ZApiTokenInfo,
});

export const AUTH_ENDPOINTS = [getMe, listUsers, createUser, updateUser, listUserTokens, createUserToken, revokeToken] as const;
