/**
 * Finishes the evaluation of expressions that read `$secrets` (left as markers by workflow code), with the
 * sealed secrets opened here, inside the activity, and opens the execution-bound sealed values that
 * `$authorization.parameter` carries wherever they appear in the arguments. Opened values never leave this
 * process except in the outgoing request that needs them.
 */
import { openSealed } from '../../secrets/sealing';
import { openBoundIn } from './authorization';
import { isWorkflowFault } from '../../zigflow/dsl/errors';
import { ExpressionEvaluator, isDeferred } from '../../zigflow/dsl/expressions';
import type { DeferredScope } from './types';
import { dslFailure, failure } from './failures';

/**
 * `opened`, when given, receives every string the deferred expressions produced (opened secrets and what
 * was built from them), so a caller can keep them out of error details that quote a server's words.
 */
export function resolveDeferred(
  value: unknown,
  scope: DeferredScope,
  key: Buffer | undefined,
  instance: string,
  opened?: string[],
): unknown {
  let evaluator: ExpressionEvaluator | undefined;
  let variables: Record<string, unknown> | undefined;
  const visit = (v: unknown): unknown => {
    if (isDeferred(v)) {
      evaluator ??= new ExpressionEvaluator({ now: () => Date.now() / 1000, env: scope.env, mode: scope.mode });
      variables ??= { ...scope.variables, secrets: openSecrets(scope.sealedSecrets, key, instance) };
      try {
        const result = openAll(
          evaluator.evaluateTemplate(v.$deferredExpression, scope.input, variables, { instance }),
          key,
          instance,
        );
        if (opened) collectStrings(result, opened);
        return result;
      } catch (e) {
        if (isWorkflowFault(e)) throw dslFailure(e.error);
        throw e;
      }
    }
    if (typeof v === 'string') return openBoundIn(v, key, instance);
    if (Array.isArray(v)) return v.map(visit);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, visit(x)]));
    }
    return v;
  };
  return visit(value);
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') {
    if (value.length > 0) into.push(value);
  } else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => collectStrings(v, into));
}

/** Every occurrence of a value in `opened` replaced by `<redacted>` (longest first, so parts do not leak). */
export function redact(text: string, opened: readonly string[]): string {
  let out = text;
  for (const value of [...opened].sort((a, b) => b.length - a.length)) out = out.split(value).join('<redacted>');
  return out;
}

/** Opens execution-bound sealed values in the result of a deferred expression. */
function openAll(value: unknown, key: Buffer | undefined, instance: string): unknown {
  if (typeof value === 'string') return openBoundIn(value, key, instance);
  if (Array.isArray(value)) return value.map((v) => openAll(v, key, instance));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, openAll(v, key, instance)]),
    );
  }
  return value;
}

export function openSecrets(
  sealed: Record<string, string>,
  key: Buffer | undefined,
  instance: string,
): Record<string, string> {
  const names = Object.keys(sealed);
  if (names.length === 0) return {};
  if (!key) throw failure('configuration', 'secrets are set but the runner has no secrets key', { instance });
  const out: Record<string, string> = {};
  for (const name of names) {
    try {
      out[name] = openSealed(sealed[name], key);
    } catch {
      // The message names the secret, never its value.
      throw failure('configuration', `secret '${name}' cannot be opened with the runner's key`, { instance });
    }
  }
  return out;
}
