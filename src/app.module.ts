import { type DynamicModule, Module } from '@nestjs/common';
import { CallbackModule } from './callback/callback.module';
import { CodecModule } from './codec/codec.module';
import { ConfigModule, type ConfigModuleOptions } from './config/config.module';
import { DefinitionsModule } from './definitions/definitions.module';
import { DeliveryModule } from './delivery/delivery.module';
import { ExecutorModule } from './executor/executor.module';
import { HealthModule } from './health/health.module';
import { ObservabilityModule } from './observability/observability.module';
import { TemporalModule } from './temporal/temporal.module';
import type { RunnerTracing } from './tracing/tracing';
import { TracingModule } from './tracing/tracing.module';
import { ZigflowModule } from './zigflow/zigflow.module';

export interface AppModuleOptions extends ConfigModuleOptions {
  /** Tracing started before the application (serve.command.ts); unset: off. */
  tracing?: RunnerTracing;
}

/**
 * The runner service: wiring only. A dynamic module so the environment is validated when the
 * application is built (bootstrap), never when this file is imported.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ env: options.env }),
        TracingModule.forRoot(options.tracing),
        ObservabilityModule.fromConfig(),
        HealthModule,
        CodecModule,
        ZigflowModule,
        CallbackModule,
        TemporalModule,
        DeliveryModule,
        ExecutorModule,
        DefinitionsModule,
      ],
    };
  }
}
