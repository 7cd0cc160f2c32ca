import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/**
 * Liveness: the process answers HTTP. Deliberately independent of Temporal and Stigmer, so an outage
 * of either makes pods unready (no traffic) rather than restarting them in a loop.
 */
@Injectable()
export class LivenessIndicator {
  constructor(private readonly health: HealthIndicatorService) {}

  isAlive(key = 'process') {
    return this.health.check(key).up({ pid: process.pid, uptimeSeconds: Math.round(process.uptime()) });
  }
}
