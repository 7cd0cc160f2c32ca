import { Module } from '@nestjs/common';
import { AiService } from './ai.service';

/**
 * The runner's default catalog (chat, agent, embed, vector-upsert, vector-query and the operator's folder)
 * and its resources. Needs the global ConfigModule and ObservabilityModule. Exports AiService only.
 */
@Module({
  providers: [AiService],
  exports: [AiService],
})
export class AiModule {}
