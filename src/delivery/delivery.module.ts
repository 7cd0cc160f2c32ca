import { Module } from '@nestjs/common';
import { CallbackModule } from '../callback/callback.module';
import { TemporalModule } from '../temporal/temporal.module';
import { DeliveryService } from './delivery.service';

/**
 * Durable progress delivery: checkpoints into the delivery ledger and recovery of dead replicas.
 * Importing TemporalModule also orders shutdown: this module's hooks run before Temporal closes.
 */
@Module({
  imports: [TemporalModule, CallbackModule],
  providers: [DeliveryService],
  exports: [DeliveryService],
})
export class DeliveryModule {}
