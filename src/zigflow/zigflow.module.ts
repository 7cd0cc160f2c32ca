import { DynamicModule, Module } from '@nestjs/common';
import type { LoadOptions } from './loader';
import { ZigflowService } from './zigflow.service';
import { ZIGFLOW_LOAD_OPTIONS } from './zigflow.tokens';

/** Loading, validating and graphing workflow documents. Exports ZigflowService only. */
@Module({
  providers: [ZigflowService, { provide: ZIGFLOW_LOAD_OPTIONS, useValue: {} }],
  exports: [ZigflowService],
})
export class ZigflowModule {
  /** The module with explicit limits (e.g. `maxBytes` from the runner's MAX_WORKFLOW_BYTES setting). */
  static register(options: LoadOptions): DynamicModule {
    return {
      module: ZigflowModule,
      providers: [ZigflowService, { provide: ZIGFLOW_LOAD_OPTIONS, useValue: options }],
      exports: [ZigflowService],
    };
  }
}
