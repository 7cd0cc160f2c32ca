/**
 * `call: asyncapi` (DSL 1.0 "AsyncAPI Call"): reads the AsyncAPI document (2.6 or 3.0, an external
 * resource fetched like `call: http` does, authentication included), finds the channel and server the task
 * names (asyncapi-document.ts), then publishes `message` or consumes for `subscription` over the server's
 * protocol (MQTT: asyncapi-mqtt.ts). A protocol the runner does not speak is a configuration error naming it.
 *
 * A subscription's `filter`, `consume.while` and `consume.until` are evaluated here, per message, with the
 * task's runtime arguments (`filter` on the message; `while`/`until` on the messages consumed so far).
 * The output is the ordered array of consumed messages (`foreach` then runs in workflow code); a publish
 * outputs null. Broker failures are `communication` errors, as for `call: http`.
 */
import { cancellationSignal } from './activity-context';
import { parseAsyncApi, resolveTarget } from './asyncapi-document';
import {
  mqttConsume,
  mqttPublish,
  type ConsumeBounds,
  type InboundMessage,
  type MqttCredentials,
} from './asyncapi-mqtt';
import { performHttp } from './call-http';
import type { ActivityDeps } from './deps';
import { openSecrets, resolveDeferred } from './deferred';
import { dslFailure, failure } from './failures';
import type { Authentication } from './http-auth';
import { assertHostCallable } from './network-guard';
import type { AsyncApiCallRequest, DeferredScope } from './types';
import { durationToMs } from '../../zigflow/dsl/durations';
import { isWorkflowFault } from '../../zigflow/dsl/errors';
import { ExpressionEvaluator } from '../../zigflow/dsl/expressions';

const DEFAULT_MAX_CONSUME_MS = 3_600_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

export interface Subscription {
  filter?: unknown;
  consume?: { amount?: unknown; for?: unknown; while?: unknown; until?: unknown };
}

interface AsyncApiArgs {
  document?: { endpoint?: unknown };
  operation?: string;
  channel?: string;
  server?: { name?: string; variables?: Record<string, unknown> };
  protocol?: string;
  message?: { payload?: unknown; headers?: Record<string, unknown> };
  subscription?: Subscription;
  authentication?: Authentication;
}

export function createCallAsyncApi(deps: ActivityDeps) {
  return async function callAsyncApi(request: AsyncApiCallRequest): Promise<unknown> {
    const instance = request.position;
    const args = resolveDeferred(request.args, request.scope, deps.secretsKey, instance) as AsyncApiArgs;
    const endpoint = args.document?.endpoint;
    const uri = typeof endpoint === 'string' ? endpoint : String((endpoint as { uri?: unknown })?.uri ?? '');
    const raw = await performHttp(deps, { method: 'get', endpoint, output: 'raw' }, request.scope.input, instance);
    const document = await parseAsyncApi(Buffer.from(raw as string, 'base64').toString('utf8'), uri, instance);
    const target = resolveTarget(document, args, instance);
    await assertHostCallable(target.server.url.hostname, deps.http ?? {}, instance);
    const settings = {
      connectTimeoutMs: deps.asyncApi?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      credentials: credentialsOf(args.authentication, instance),
      signal: cancellationSignal(),
      instance,
    };
    deps.logger?.debug('asyncapi call', { instance, server: target.server.name, address: target.address });
    if (args.subscription) {
      const bounds = consumeBounds(deps, args.subscription, request.scope, instance);
      return mqttConsume(target, bounds, settings);
    }
    if (args.message) {
      await mqttPublish(target, args.message, settings);
      return null;
    }
    throw failure('configuration', `call: asyncapi at ${instance}/with needs message or subscription`, { instance });
  };
}

/** MQTT has user name and password only: `basic` maps onto both, a bearer (or OAuth2) token is the password. */
function credentialsOf(auth: Authentication | undefined, instance: string): MqttCredentials {
  if (!auth) return {};
  if (auth.basic) return { username: auth.basic.username, password: auth.basic.password };
  if (auth.bearer) return { password: String(auth.bearer.token ?? '') };
  throw failure(
    'configuration',
    `call: asyncapi supports basic and bearer authentication with MQTT, not '${Object.keys(auth)[0]}'`,
    { instance },
  );
}

/** The subscription's bounds, its `filter`, `while` and `until` evaluated per message (also used by test mocks). */
export function consumeBounds(
  deps: ActivityDeps,
  subscription: Subscription,
  scope: DeferredScope,
  instance: string,
): ConsumeBounds {
  const consume = subscription.consume ?? {};
  const evaluator = new ExpressionEvaluator({ now: () => Date.now() / 1000, env: scope.env, mode: scope.mode });
  const variables = { ...scope.variables, secrets: openSecrets(scope.sealedSecrets, deps.secretsKey, instance) };
  const condition = (expression: unknown, input: unknown): boolean => {
    try {
      return evaluator.evaluateCondition(expression, input, variables, instance);
    } catch (e) {
      if (isWorkflowFault(e)) throw dslFailure(e.error);
      throw e;
    }
  };
  let forMs = deps.asyncApi?.maxConsumeMs ?? DEFAULT_MAX_CONSUME_MS;
  if (consume.for !== undefined) {
    try {
      forMs = durationToMs(consume.for, instance);
    } catch (e) {
      if (isWorkflowFault(e)) throw dslFailure(e.error);
      throw e;
    }
  }
  if (consume.amount !== undefined && (!Number.isInteger(consume.amount) || (consume.amount as number) < 0))
    throw failure('configuration', `call: asyncapi consume.amount must be a whole number`, { instance });
  const amount = consume.amount as number | undefined;
  return {
    amount,
    forMs,
    accept: (message: InboundMessage) => subscription.filter === undefined || condition(subscription.filter, message),
    keepGoing: consume.while === undefined ? undefined : (consumed) => condition(consume.while, consumed),
    done:
      consume.until === undefined
        ? amount === 0
          ? () => true
          : undefined
        : (consumed) => amount === 0 || condition(consume.until, consumed),
  };
}
