import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CALLBACK_PROBE, type CallbackProbe } from './health.tokens';

/**
 * The progress callback endpoint's state, reported but never failing readiness: events wait in the
 * queue and consumers catch up through get_events, so an absent Stigmer must not take workers out
 * of service.
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
      lastSuccessAt: state.lastSuccessAt,
      lastError: state.lastError,
    });
  }
}
