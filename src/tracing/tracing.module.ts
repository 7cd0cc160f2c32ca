import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { RunnerTracing } from './tracing';
import { RUNNER_TRACING } from './tracing.tokens';

/** Flushes the spans still buffered once every other module has shut down (the worker's last spans included). */
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  constructor(@Optional() @Inject(RUNNER_TRACING) private readonly tracing: RunnerTracing | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing?.shutdown();
  }
}

/**
 * Hands the process's tracing (started by `serve` before anything loads grpc-js, see tracing.ts) to the
 * modules that create Temporal clients and workers; `null` when tracing is off.
 */
@Module({})
export class TracingModule {
  static forRoot(tracing: RunnerTracing | undefined): DynamicModule {
    return {
      module: TracingModule,
      global: true,
      providers: [{ provide: RUNNER_TRACING, useValue: tracing ?? null }, TracingShutdown],
      exports: [RUNNER_TRACING],
    };
  }
}
