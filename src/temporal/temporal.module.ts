import { Module } from '@nestjs/common';
import { AiModule } from '../ai/ai.module';
import { CallbackModule } from '../callback/callback.module';
import { RUNNER_WORKER_FACTORY } from './temporal.tokens';
import { TemporalService } from './temporal.service';
import { createRunnerWorker } from './worker-factory';

/**
 * Temporal connection, client and the runner's worker (started at application bootstrap, drained on
 * shutdown). Needs the global ConfigModule and ObservabilityModule; progress goes to CallbackService.
 */
@Module({
  imports: [CallbackModule, AiModule],
  providers: [TemporalService, { provide: RUNNER_WORKER_FACTORY, useValue: createRunnerWorker }],
  exports: [TemporalService],
})
export class TemporalModule {}
