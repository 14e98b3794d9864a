import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthService } from './auth.service';
import { RoleGuard } from './role.guard';

/** Registers RoleGuard for every route: each endpoint's contract decides who may call it. */
@Global()
@Module({ providers: [AuthService, { provide: APP_GUARD, useClass: RoleGuard }], exports: [AuthService] })
export class AuthModule {}
