import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CallbackModule } from '../callback/callback.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { DeliveryService } from '../delivery/delivery.service';
import { TemporalModule } from '../temporal/temporal.module';
import { TemporalService } from '../temporal/temporal.service';
import { CallbackHealthIndicator } from './callback.health';
import { HealthController } from './health.controller';
import { CALLBACK_PROBE, TEMPORAL_PROBE } from './health.tokens';
import { LivenessIndicator } from './liveness.health';
import { TemporalHealthIndicator, WorkerHealthIndicator } from './temporal.health';

/**
 * `/health`, `/health/live`, `/health/ready` on the HTTP app (HEALTH_PORT). The indicators see Temporal
 * and the callback client through narrow probes, so their specs use strict mocks of just that.
 */
@Module({
  imports: [
    TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }),
    TemporalModule,
    CallbackModule,
    DeliveryModule,
  ],
  controllers: [HealthController],
  providers: [
    LivenessIndicator,
    TemporalHealthIndicator,
    WorkerHealthIndicator,
    CallbackHealthIndicator,
    { provide: TEMPORAL_PROBE, useExisting: TemporalService },
    { provide: CALLBACK_PROBE, useExisting: DeliveryService },
  ],
})
export class HealthModule {}
