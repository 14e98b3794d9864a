import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { RoleGuard } from './role.guard';

/** Registers RoleGuard for every route: each endpoint's contract decides who may call it. */
@Global()
@Module({ providers: [AuthRepository, AuthService, { provide: APP_GUARD, useClass: RoleGuard }], exports: [AuthRepository, AuthService] })
export class AuthModule {}
