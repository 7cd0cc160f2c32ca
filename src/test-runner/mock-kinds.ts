/**
 * The calls a test can mock, one entry per kind (`mocks.http`, `mocks.grpc`, ...). An entry says which
 * activities it answers, what a test may match on (`view`: the call as plain JSON, after `$secrets` were
 * opened), what an answer may hold, and how an answer becomes the activity's result. A new call kind
 * (a new activity) plugs in with one entry in MOCK_KINDS; the test file schema and the mock activities
 * follow. The protocol calls' kinds (mcp, a2a, asyncapi) live in protocol-mocks.ts.
 */
import { authorizedResult } from '../temporal/activities/authorization';
import { httpOutput, planHttpRequest, type HttpArgs, type HttpRequestPlan } from '../temporal/activities/call-http';
import { resolveDeferred } from '../temporal/activities/deferred';
import { headerOf, resolveAuthorization } from '../temporal/activities/http-auth';
import { processOutput } from '../temporal/activities/run-process';
import type { HttpCallRequest, ResolveWorkflowRequest } from '../temporal/activities/types';
import { isPlainObject, preview } from './matching';
import type { ActivityName, KindContext, MockKind } from './mock-kind-types';
import { model, vectors } from './model-mocks';
import { a2a, asyncapi, mcp } from './protocol-mocks';

export type { ActivityName, CallView, KindContext, MockKind } from './mock-kind-types';

const ANY = {};
const STRING = { type: 'string' };
const OBJECT = { type: 'object' };

/** `call: http` request with `$secrets` opened and URL, headers and body as they would be sent. */
async function httpPlan(
  request: HttpCallRequest,
  ctx: KindContext,
): Promise<{ args: HttpArgs; plan: HttpRequestPlan }> {
  const args = resolveDeferred(request.args, request.scope, ctx.deps.secretsKey, request.position) as HttpArgs;
  const plan = planHttpRequest(args, request.scope.input, request.position);
  // Basic and bearer resolve locally; OAuth2 asks its token endpoint, which the HTTP mocks answer.
  const authorization = await resolveAuthorization(plan.auth, ctx.httpFetch, request.position);
  if (authorization) plan.headers.authorization = headerOf(authorization);
  return { args, plan };
}

/** An answer's body as the bytes a server would send (JSON unless it is text already). */
export function answerBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

/** An answer's headers as the HTTP transport gives them: lower-case names, string values. */
export function answerHeaders(answer: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(isPlainObject(answer.headers) ? answer.headers : {}))
    headers[k.toLowerCase()] = String(v);
  if (headers['content-type'] === undefined && answer.body !== undefined && answer.body !== null) {
    headers['content-type'] = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
  }
  return headers;
}

const HTTP_ANSWER = {
  status: { type: 'integer', minimum: 100, maximum: 599, description: 'HTTP status (default 200)' },
  headers: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
  body: { description: 'response body: JSON/YAML value, or text' },
};

const http: MockKind = {
  key: 'http',
  activities: ['callHttp'],
  match: {
    method: { ...STRING, description: 'GET, POST, ... (any case)' },
    url: { ...STRING, description: 'the full URL with its query, exact or with * globs' },
    headers: { ...OBJECT, description: 'request headers that must be present (names in any case)' },
    query: OBJECT,
    body: { description: 'the request body, or the part of it that must match' },
  },
  answer: HTTP_ANSWER,
  async view(_activity, request, ctx) {
    const { args, plan } = await httpPlan(request as HttpCallRequest, ctx);
    return {
      summary: `http ${plan.method} ${plan.url.toString()}`,
      detail: args.body !== undefined && args.body !== null ? `with body ${preview(args.body)}` : undefined,
      fields: {
        method: plan.method,
        url: plan.url.toString(),
        headers: plan.headers,
        query: args.query,
        body: args.body,
      },
    };
  },
  async reply(answer, request, ctx) {
    const call = request as HttpCallRequest;
    const { args, plan } = await httpPlan(call, ctx);
    const status = typeof answer.status === 'number' ? answer.status : 200;
    const output = httpOutput(
      args,
      plan,
      { status, headers: answerHeaders(answer), bytes: answerBytes(answer.body) },
      call.position,
    );
    return withAuthorization(call, output, plan, ctx);
  },
};

function withAuthorization(call: HttpCallRequest, output: unknown, plan: HttpRequestPlan, ctx: KindContext): unknown {
  if (!call.describeAuthorization) return output;
  const header = plan.headers.authorization;
  const space = header?.indexOf(' ') ?? -1;
  const observed =
    header && space > 0 ? { scheme: header.slice(0, space), parameter: header.slice(space + 1) } : undefined;
  return authorizedResult(ctx.deps, output, { authorization: observed });
}

function opened(request: HttpCallRequest, ctx: KindContext): Record<string, any> {
  return resolveDeferred(request.args, request.scope, ctx.deps.secretsKey, request.position) as Record<string, any>;
}

/** Answers of kinds without an HTTP response: `body` is the result (the task's raw output). */
const BODY_ANSWER = { body: { description: 'the call result' } };

const grpc: MockKind = {
  key: 'grpc',
  activities: ['callGrpc'],
  match: {
    service: { ...STRING, description: 'fully qualified service name, e.g. pets.PetService' },
    method: STRING,
    host: STRING,
    port: { type: 'integer' },
    arguments: { description: 'the request message, or the part of it that must match' },
  },
  answer: BODY_ANSWER,
  async view(_activity, request, ctx) {
    const a = opened(request as HttpCallRequest, ctx);
    const service = String(a.service?.name ?? '');
    return {
      summary: `grpc ${service}/${String(a.method ?? '')}`,
      detail: `with arguments ${preview(a.arguments ?? {})}`,
      fields: { service, method: a.method, host: a.service?.host, port: a.service?.port, arguments: a.arguments ?? {} },
    };
  },
  async reply(answer, request, ctx) {
    const call = request as HttpCallRequest;
    const output = answer.body ?? null;
    if (!call.describeAuthorization) return output;
    const bearer = opened(call, ctx).service?.authentication?.bearer?.token;
    return authorizedResult(ctx.deps, output, {
      authorization: typeof bearer === 'string' ? { scheme: 'Bearer', parameter: bearer } : undefined,
    });
  },
};

const openapi: MockKind = {
  key: 'openapi',
  activities: ['callOpenApi'],
  match: {
    operation: { ...STRING, description: 'the operationId' },
    document: { ...STRING, description: 'the OpenAPI document URI' },
    parameters: OBJECT,
  },
  answer: HTTP_ANSWER,
  async view(_activity, request, ctx) {
    const a = opened(request as HttpCallRequest, ctx);
    const endpoint = a.document?.endpoint;
    const document = typeof endpoint === 'string' ? endpoint : endpoint?.uri;
    return {
      summary: `openapi ${String(a.operationId ?? '')} (${String(document ?? '?')})`,
      detail: `with parameters ${preview(a.parameters ?? {})}`,
      fields: { operation: a.operationId, document, parameters: a.parameters ?? {} },
    };
  },
  async reply(answer, request, ctx) {
    // The operation's method and path live in the OpenAPI document, which a mocked call never reads:
    // the answer is shaped as an HTTP answer to the operation.
    const call = request as HttpCallRequest;
    const a = opened(call, ctx);
    const plan: HttpRequestPlan = {
      method: String(a.operationId ?? 'operation'),
      url: new URL(`openapi:${encodeURIComponent(String(a.operationId ?? ''))}`),
      headers: {},
    };
    const status = typeof answer.status === 'number' ? answer.status : 200;
    const output = httpOutput(
      { output: a.output, redirect: a.redirect },
      plan,
      { status, headers: answerHeaders(answer), bytes: answerBytes(answer.body) },
      call.position,
    );
    return call.describeAuthorization ? authorizedResult(ctx.deps, output, {}) : output;
  },
};

const PROCESS_ACTIVITY: Partial<Record<ActivityName, string>> = {
  runShell: 'shell',
  runScript: 'script',
  runContainer: 'container',
};

const run: MockKind = {
  key: 'run',
  activities: ['runShell', 'runScript', 'runContainer'],
  match: {
    process: { enum: ['shell', 'script', 'container'] },
    command: { ...STRING, description: 'shell: the command; container: its command' },
    language: STRING,
    code: STRING,
    image: STRING,
    arguments: ANY,
    environment: OBJECT,
    stdin: STRING,
  },
  answer: {
    stdout: STRING,
    stderr: STRING,
    code: { type: 'integer', description: 'exit code (default 0)' },
  },
  async view(activity, request, ctx) {
    const a = opened(request as HttpCallRequest, ctx);
    const process = PROCESS_ACTIVITY[activity] ?? activity;
    const what = process === 'script' ? String(a.language ?? '') : process === 'container' ? a.image : a.command;
    return {
      summary: `run ${process} ${String(what ?? '')}`.trimEnd(),
      fields: {
        process,
        command: a.command,
        language: a.language,
        code: a.code,
        image: a.image,
        arguments: a.arguments,
        environment: a.environment,
        stdin: a.stdin,
      },
    };
  },
  async reply(answer, request, ctx) {
    const call = request as HttpCallRequest;
    const result = {
      code: typeof answer.code === 'number' ? answer.code : 0,
      stdout: typeof answer.stdout === 'string' ? answer.stdout : '',
      stderr: typeof answer.stderr === 'string' ? answer.stderr : '',
      timedOut: false,
    };
    return processOutput(result, opened(call, ctx).return, call.position);
  },
};

/**
 * `run: workflow`: the definition the runner's registry would return. The child then runs for real, on the
 * same worker, with the same mocks.
 */
const workflow: MockKind = {
  key: 'workflow',
  activities: ['resolveWorkflowDefinition'],
  match: { namespace: STRING, name: STRING, version: STRING },
  answer: { file: { ...STRING, description: 'the workflow file, relative to the test file' } },
  async view(_activity, request) {
    const r = request as ResolveWorkflowRequest;
    return {
      summary: `run workflow ${r.namespace}/${r.name}${r.version ? `@${r.version}` : ''}`,
      fields: { namespace: r.namespace, name: r.name, version: r.version ?? 'latest' },
    };
  },
  async reply(answer) {
    // The test runner reads the file when it loads the test and puts its text here.
    return answer.text;
  },
};

export const MOCK_KINDS: readonly MockKind[] = [http, grpc, openapi, run, workflow, mcp, a2a, asyncapi, model, vectors];

/** Activities that make no call a test must answer: run as they are, never mocked. */
export const LOCAL_ACTIVITIES: readonly ActivityName[] = ['validateWorkflow', 'yieldPoint', 'emitEvent'];

export function kindOfActivity(activity: ActivityName): MockKind | undefined {
  return MOCK_KINDS.find((k) => k.activities.includes(activity));
}
