import { Module } from '@nestjs/common';
import { AiModule } from '../ai/ai.module';
import { ExecutorModule } from '../executor/executor.module';
import { TemporalModule } from '../temporal/temporal.module';
import { DefinitionsController } from './definitions.controller';
import { DefinitionsService } from './definitions.service';

/** Workflow definitions registered with the runner (gRPC, WORKFLOW_DEFINITIONS_DIR) and their schedules. */
@Module({
  imports: [TemporalModule, ExecutorModule, AiModule],
  controllers: [DefinitionsController],
  providers: [DefinitionsService],
  exports: [DefinitionsService],
})
export class DefinitionsModule {}
