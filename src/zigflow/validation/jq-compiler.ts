/**
 * The one place the validator reaches the jq engine: compile an expression with the DSL's shared engine
 * (which caches programs by text) and list the host-dependent builtins it uses. Errors are the engine's
 * JqError, whose message ends with the position inside the expression.
 */
import { JqError } from '../../jq';
import { workflowJq } from '../dsl/jq-engine';

export { JqError };

export interface CompiledExpression {
  readonly hostDependencies: readonly string[];
}

/** jq names the engine binds to nothing host-related but that jq 1.8 defines from its command line. */
const EXTRA_HOST_NAMES = /\$__prog_args\b|\binput_line_number\b/g;
/** String literals are removed before looking for names, so `"input_line_number"` is just text. */
const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;

export function compileExpression(text: string): CompiledExpression {
  const program = workflowJq.compile(text);
  const extra = text.replace(STRING_LITERAL, '""').match(EXTRA_HOST_NAMES) ?? [];
  if (extra.length === 0) return program;
  return { hostDependencies: [...new Set([...program.hostDependencies, ...extra])] };
}
