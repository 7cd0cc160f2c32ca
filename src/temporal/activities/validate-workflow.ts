/** Local activity `validateWorkflow`: the loader's verdict on the YAML, recorded in history once. */
import { loadWorkflow, type LoadOptions } from '../../zigflow/loader';
import type { ValidateWorkflowResult } from './types';

/**
 * Verdicts are cached by document text: the loader is a pure function of the text, and a service runs the
 * same few documents many times (validation is most of the CPU of a short pure-data run). Bounded, oldest out.
 */
export class ValidationCache {
  private readonly entries = new Map<string, ValidateWorkflowResult>();

  constructor(
    private readonly capacity = 64,
    /** The runner's default catalog (operator functions) takes part in validation. */
    private readonly options: LoadOptions = {},
  ) {}

  validate(yamlText: string): ValidateWorkflowResult {
    const hit = this.entries.get(yamlText);
    if (hit) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(yamlText);
      this.entries.set(yamlText, hit);
      return hit;
    }
    const verdict = toResult(loadWorkflow(yamlText, this.options));
    this.entries.set(yamlText, verdict);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return verdict;
  }

  get size(): number {
    return this.entries.size;
  }
}

function toResult(result: ReturnType<typeof loadWorkflow>): ValidateWorkflowResult {
  if (result.ok) return { ok: true, workflow: result.workflow };
  return { ok: false, problems: result.problems.map((p) => ({ ...p })) };
}

export function createValidateWorkflow(
  cache = new ValidationCache(),
): (yamlText: string) => Promise<ValidateWorkflowResult> {
  return async (yamlText: string) => cache.validate(yamlText);
}
