import { Module } from '@nestjs/common';
import { CallbackService } from './callback.service';
import { STIGMER_CLIENT_FACTORY } from './callback.tokens';
import { StigmerClient, type StigmerClientOptions } from './stigmer-client';

/** Progress callbacks to the Stigmer Service. Needs the global ConfigModule and ObservabilityModule. */
@Module({
  providers: [
    CallbackService,
    { provide: STIGMER_CLIENT_FACTORY, useValue: (options: StigmerClientOptions) => new StigmerClient(options) },
  ],
  exports: [CallbackService],
})
export class CallbackModule {}
