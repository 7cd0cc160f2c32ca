import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { renderMermaid } from './graph';
import { LoadOptions, LoadResult, loadWorkflow } from './loader';
import { ValidationProblem } from './validation/problems';
import { warmUpSchemaValidator } from './validation/schema-validator';
import { ZIGFLOW_LOAD_OPTIONS } from './zigflow.tokens';

export type GraphResult = { ok: true; mermaid: string } | { ok: false; problems: ValidationProblem[] };

/**
 * The DSL feature as a service: load (parse + validate), validate (problems only) and graph (Mermaid).
 * The logic lives in the pure loader and graph functions; this class only applies the configured limits.
 */
@Injectable()
export class ZigflowService implements OnModuleInit {
  private readonly options: LoadOptions;

  constructor(@Optional() @Inject(ZIGFLOW_LOAD_OPTIONS) options?: LoadOptions) {
    this.options = options ?? {};
  }

  /** Compiling the DSL schema takes most of a second: do it at start-up, not on the first request. */
  onModuleInit(): void {
    warmUpSchemaValidator();
  }

  load(yaml: string): LoadResult {
    return loadWorkflow(yaml, this.options);
  }

  /** Every problem of the document, ordered by position; empty when it is valid. */
  validate(yaml: string): ValidationProblem[] {
    const result = this.load(yaml);
    return result.ok ? [] : result.problems;
  }

  /** The workflow as a Mermaid flowchart, or the problems that prevent loading it. */
  graph(yaml: string): GraphResult {
    const result = this.load(yaml);
    return result.ok ? { ok: true, mermaid: renderMermaid(result.workflow) } : { ok: false, problems: result.problems };
  }
}
