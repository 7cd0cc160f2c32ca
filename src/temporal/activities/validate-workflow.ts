/** Local activity `validateWorkflow`: the loader's verdict on the YAML, recorded in history once. */
import { loadWorkflow } from '../../zigflow/loader';
import type { ValidateWorkflowResult } from './types';

export async function validateWorkflow(yamlText: string): Promise<ValidateWorkflowResult> {
  const result = loadWorkflow(yamlText);
  if (result.ok) return { ok: true, workflow: result.workflow as unknown as Record<string, unknown> };
  return { ok: false, problems: result.problems.map((p) => ({ ...p })) };
}
