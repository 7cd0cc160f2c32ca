import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CALLBACK_PROBE, type CallbackProbe } from './health.tokens';

/**
 * The progress callback endpoint's state and the delivery backlog (undelivered events, the oldest one's
 * wait, dead replicas being recovered), reported but never failing readiness: undelivered events wait
 * (their cursor survives even when their bodies are dropped for memory), so an absent Stigmer must not
 * take workers out of service.
 */
@Injectable()
export class CallbackHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(CALLBACK_PROBE) private readonly callback: CallbackProbe,
  ) {}

  report(key = 'callback') {
    const state = this.callback.state();
    const enabled = state.endpoint !== '';
    return this.health.check(key).up({
      enabled,
      endpoint: state.endpoint || undefined,
      connected: state.connected,
      queued: state.queued,
      waiting: state.waiting,
      waitingExecutions: state.waitingExecutions,
      oldestWaitingSeconds: state.oldestWaitingSeconds,
      recovering: state.recovering,
      lastSuccessAt: state.lastSuccessAt,
      lastError: state.lastError,
    });
  }
}
