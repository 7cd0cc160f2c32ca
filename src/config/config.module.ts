import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, ConfigService } from '@nestjs/config';
import type { RunnerConfig } from './runner-config';
import { validateEnvironment } from './validate-environment';

/** The injectable typed config: `config.get('callback', { infer: true })`. */
export type AppConfigService = ConfigService<RunnerConfig, true>;

export interface ConfigModuleOptions {
  /** Environment to validate instead of process.env (tests, the CLI's embedded defaults). */
  env?: Record<string, string | undefined>;
}

/**
 * Validates the environment once (a bad value stops the start) and exposes the grouped {@link RunnerConfig}
 * through @nestjs/config's ConfigService. Only the validated object is served: no fallback to process.env.
 * A dynamic module, so validation happens when the application is built, never at import time.
 */
@Module({})
export class ConfigModule {
  static forRoot(options: ConfigModuleOptions = {}): Promise<DynamicModule> {
    return NestConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      skipProcessEnv: true,
      cache: true,
      validate: (processEnv) => validateEnvironment(options.env ?? processEnv),
    });
  }
}
