import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { TEMPORAL_PROBE, type TemporalProbe } from './health.tokens';

/** Deadline of the readiness RPC: well under a Kubernetes probe's default 1 s... 10 s timeout window. */
export const TEMPORAL_CHECK_DEADLINE_MS = 2000;

/**
 * Temporal reachable: one real frontend RPC under a deadline. A guard timer backs up the RPC's own
 * deadline, so a hung connection can never hang the probe.
 */
@Injectable()
export class TemporalHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(TEMPORAL_PROBE) private readonly temporal: TemporalProbe,
  ) {}

  async isReachable(key = 'temporal', deadlineMs = TEMPORAL_CHECK_DEADLINE_MS) {
    const session = this.health.check(key);
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.temporal.checkConnection(deadlineMs),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs + 100);
        }),
      ]);
      return session.up({ latencyMs: Date.now() - started });
    } catch (err) {
      return session.down({ message: `Temporal unreachable: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

/** The Temporal worker is polling its task queue. */
@Injectable()
export class WorkerHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(TEMPORAL_PROBE) private readonly temporal: TemporalProbe,
  ) {}

  isRunning(key = 'worker') {
    const session = this.health.check(key);
    return this.temporal.isWorkerRunning()
      ? session.up()
      : session.down({ message: 'the Temporal worker is not running' });
  }
}
