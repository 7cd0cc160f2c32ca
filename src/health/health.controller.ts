import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { CallbackHealthIndicator } from './callback.health';
import { LivenessIndicator } from './liveness.health';
import { TemporalHealthIndicator, WorkerHealthIndicator } from './temporal.health';

/**
 * `/health/live` (liveness probe), `/health/ready` (readiness probe) and `/health` (the full
 * report, same checks as readiness). Any `down` answers 503.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly liveness: LivenessIndicator,
    private readonly temporal: TemporalHealthIndicator,
    private readonly worker: WorkerHealthIndicator,
    private readonly callback: CallbackHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  report() {
    return this.readiness();
  }

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.liveness.isAlive()]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.readiness();
  }

  private readiness() {
    return this.health.check([
      () => this.liveness.isAlive(),
      () => this.temporal.isReachable(),
      () => this.worker.isRunning(),
      () => this.callback.report(),
    ]);
  }
}
