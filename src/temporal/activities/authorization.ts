/**
 * `$authorization` (DSL 1.0 "Runtime expression arguments", authorization descriptor): the scheme and
 * parameter of the authorization a call task resolved. Activity results are recorded in Temporal history,
 * so the parameter (a token, base64 user:password, ...) leaves the activity sealed with the runner's key and
 * bound to the execution (`sealed:bound:v1:`); the scheme is not secret and stays clear. A sealed parameter
 * that flows into a later call through expressions is opened by that call's activity (see deferred.ts).
 */
import { BOUND_PATTERN, BOUND_PREFIX, openBound, sealBound } from '../../secrets/sealing';
import { currentWorkflowId } from './activity-context';
import type { ActivityDeps } from './deps';
import { failure } from './failures';
import type { ResolvedAuthorization } from './http-auth';
import type { AuthorizationDescriptor, AuthorizedResult } from './types';

/** What the request made, filled in by the HTTP/gRPC code (the authorization actually sent). */
export interface CallObservation {
  authorization?: ResolvedAuthorization;
}

/** The result of a call whose task reads `$authorization`: its output plus the sealed descriptor. */
export function authorizedResult(deps: ActivityDeps, output: unknown, observed: CallObservation): AuthorizedResult {
  return { output, authorization: describe(deps, observed.authorization) };
}

function describe(deps: ActivityDeps, resolved: ResolvedAuthorization | undefined): AuthorizationDescriptor | null {
  if (!resolved) return null;
  const binding = currentWorkflowId();
  if (!deps.secretsKey || !binding) {
    // Without a key the parameter cannot leave the activity safely: the scheme is still described.
    deps.logger?.warn('authorization parameter withheld: the runner has no secrets key', { scheme: resolved.scheme });
    return { scheme: resolved.scheme, parameter: null };
  }
  return { scheme: resolved.scheme, parameter: sealBound(resolved.parameter, deps.secretsKey, binding) };
}

/** Opens every execution-bound sealed value inside a string (e.g. `"Bearer " + $context.token`). */
export function openBoundIn(text: string, key: Buffer | undefined, instance: string): string {
  if (!text.includes(BOUND_PREFIX)) return text;
  const binding = currentWorkflowId();
  if (!key || !binding) {
    throw failure('configuration', 'a sealed authorization value cannot be opened: the runner has no secrets key', {
      instance,
    });
  }
  return text.replace(BOUND_PATTERN, (sealed) => {
    try {
      return openBound(sealed, key, binding);
    } catch {
      // Wrong key, tampering, or a value sealed for another execution: never say more than that.
      throw failure('configuration', 'a sealed authorization value does not belong to this execution', { instance });
    }
  });
}
