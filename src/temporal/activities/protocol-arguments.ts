/**
 * The `with.method` and `with.parameters` of `call: mcp` and `call: a2a`, checked the same way for both (and
 * for their mocks in `workflow-runner test`): a method the DSL lists for the protocol, parameters an object.
 * Expressions are resolved by then, so these are configuration errors of the document's values.
 */
import { failure } from './failures';

export function protocolMethod<M extends string>(
  call: 'mcp' | 'a2a',
  methods: readonly M[],
  method: unknown,
  instance: string,
): M {
  if (typeof method === 'string' && (methods as readonly string[]).includes(method)) return method as M;
  throw failure(
    'configuration',
    `call: ${call} method ${JSON.stringify(method)} at ${instance}/with/method is not one the DSL lists (${methods.join(', ')})`,
    { instance },
  );
}

export function protocolParameters(
  call: 'mcp' | 'a2a',
  parameters: unknown,
  instance: string,
): Record<string, unknown> {
  if (parameters === undefined || parameters === null) return {};
  if (typeof parameters === 'object' && !Array.isArray(parameters)) return parameters as Record<string, unknown>;
  throw failure(
    'configuration',
    `call: ${call} parameters at ${instance}/with/parameters must be an object (or an expression that yields one), got ${Array.isArray(parameters) ? 'a list' : typeof parameters}`,
    { instance },
  );
}
