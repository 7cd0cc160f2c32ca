import { Module } from '@nestjs/common';
import { CallbackModule } from '../callback/callback.module';
import { TemporalModule } from '../temporal/temporal.module';
import { CommandController } from './command.controller';
import { ExecutorService } from './executor.service';
import { QueryController } from './query.controller';

/** The runner's gRPC API (commands and queries) over the Temporal client. */
@Module({
  imports: [TemporalModule, CallbackModule],
  controllers: [CommandController, QueryController],
  providers: [ExecutorService],
  exports: [ExecutorService],
})
export class ExecutorModule {}
