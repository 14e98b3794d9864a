import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from './app-config';

/** DI token of the resolved AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
/** DI token of the process's pino logger (the one app.factory.ts created). */
export const LOGGER = Symbol('LOGGER');

/** Makes the configuration and the JSON logger injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forConfig(config: AppConfig, logger: Logger) {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [APP_CONFIG, LOGGER],
    };
  }
}
