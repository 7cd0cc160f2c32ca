/**
 * The runner's activities as a test run sees them: every call is answered from the test's mocks, or made
 * for real when the test allows it, or refused and recorded as a call without a mock (which fails the
 * test whatever the workflow does with the error). One worker serves every test of a session; a call
 * finds its test by the workflow id of the run that made it (a child run's id starts with its parent's).
 */
import { parse as parseYaml } from 'yaml';
import { currentWorkflowId } from '../temporal/activities/activity-context';
import type { ActivityDeps } from '../temporal/activities/deps';
import { dslFailure, failure } from '../temporal/activities/failures';
import type { FetchSchemasRequest, RunnerActivities } from '../temporal/activities/types';
import type { WorkflowErrorData } from '../temporal/contract';
import { dslError, ERROR_KINDS, type ErrorKind } from '../zigflow/dsl/errors';
import { firstDifference, globMatches, isPlainObject } from './matching';
import {
  answerBytes,
  answerHeaders,
  kindOfActivity,
  LOCAL_ACTIVITIES,
  type ActivityName,
  type CallView,
  type KindContext,
} from './mock-kinds';
import type { MockEntry } from './test-file';

export interface RecordedCall {
  summary: string;
  /** What else identifies an unmatched call (its body, arguments), bounded. */
  detail?: string;
  /** Position of the task that made it (undefined for definition look-ups). */
  position?: string;
  /** Pointer of the mock that answered; undefined when the call had no mock. */
  mock?: string;
  real?: boolean;
}

/** The calls of one test run: its mocks with their use counts, and what was called. */
export class TestCalls {
  readonly calls: RecordedCall[] = [];
  private readonly used = new Map<MockEntry, number>();

  constructor(
    readonly mocks: readonly MockEntry[],
    readonly allowRealCalls: boolean,
  ) {}

  /** The first mock of `kind` that matches, and its next answer (the last one repeats). */
  take(kind: string, view: CallView, position: string | undefined): Record<string, unknown> | undefined {
    const entry = this.mocks.find((m) => m.kind === kind && mockMatches(m, view, position));
    if (!entry) return undefined;
    const n = this.used.get(entry) ?? 0;
    this.used.set(entry, n + 1);
    this.calls.push({ summary: view.summary, position, mock: entry.pointer });
    return entry.answers[Math.min(n, entry.answers.length - 1)];
  }

  record(call: RecordedCall): void {
    this.calls.push(call);
  }

  unmocked(): RecordedCall[] {
    return this.calls.filter((c) => !c.mock && !c.real);
  }

  /** Mocks with `calls: N` that were not used exactly N times. */
  countMismatches(): { entry: MockEntry; used: number }[] {
    return this.mocks
      .filter((m) => m.calls !== undefined && (this.used.get(m) ?? 0) !== m.calls)
      .map((entry) => ({ entry, used: this.used.get(entry) ?? 0 }));
  }
}

function mockMatches(mock: MockEntry, view: CallView, position: string | undefined): boolean {
  for (const [field, expected] of Object.entries(mock.match)) {
    if (field === 'task') {
      const name = position?.slice(position.lastIndexOf('/') + 1);
      const pattern = String(expected);
      if (!position || !(globMatches(pattern, position) || (name !== undefined && globMatches(pattern, name))))
        return false;
      continue;
    }
    const actual = view.fields[field];
    if (field === 'method' && typeof actual === 'string') {
      if (!globMatches(String(expected).toUpperCase(), actual.toUpperCase())) return false;
    } else if (field === 'headers' && isPlainObject(expected)) {
      const lower = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k.toLowerCase(), v]));
      if (firstDifference(lower, actual, { subset: true, globs: true }) !== undefined) return false;
    } else if (firstDifference(expected, actual, { subset: true, globs: true }) !== undefined) return false;
  }
  return true;
}

/** Which test a call belongs to: the registered execution id that prefixes the calling run's id. */
export class MockRouter {
  private readonly runs = new Map<string, TestCalls>();

  register(executionId: string, calls: TestCalls): () => void {
    this.runs.set(executionId, calls);
    return () => this.runs.delete(executionId);
  }

  lookup(workflowId: string | undefined): TestCalls | undefined {
    if (!workflowId) return undefined;
    let best: { id: string; calls: TestCalls } | undefined;
    for (const [id, calls] of this.runs) {
      if ((workflowId === id || workflowId.startsWith(`${id}-`)) && (!best || id.length > best.id.length))
        best = { id, calls };
    }
    return best?.calls;
  }
}

/** `error:` of an answer as the DSL error it raises at the calling task. */
export function answerError(error: Record<string, unknown>, position: string | undefined): WorkflowErrorData {
  const type = String(error.type);
  const options = {
    instance: position,
    status: typeof error.status === 'number' ? error.status : undefined,
    title: typeof error.title === 'string' ? error.title : undefined,
  };
  const detail = typeof error.detail === 'string' ? error.detail : 'mocked error';
  if ((ERROR_KINDS as readonly string[]).includes(type)) return dslError(type as ErrorKind, detail, options);
  const data: WorkflowErrorData = { type, status: options.status ?? 500, detail };
  if (options.title) data.title = options.title;
  if (position !== undefined) data.instance = position;
  return data;
}

function noMock(calls: TestCalls, summary: string, position: string | undefined, detail?: string): Error {
  calls.record({ summary, position, ...(detail ? { detail } : {}) });
  return failure('configuration', `no mock for ${summary} (workflow-runner test)`, { instance: position });
}

function positionOf(request: unknown): string | undefined {
  const position = (request as { position?: unknown } | undefined)?.position;
  return typeof position === 'string' ? position : undefined;
}

/**
 * The activities a test worker registers: `real` wrapped so each call is answered by the calling test's
 * mocks. Activities without a mock kind (other than the local ones) are refused unless real calls are
 * allowed, so a new activity can never reach the outside world unnoticed.
 */
export function mockActivities(real: RunnerActivities, router: MockRouter, deps: ActivityDeps): RunnerActivities {
  const wrapped = { ...real } as Record<ActivityName, (request: unknown) => Promise<unknown>>;
  for (const name of Object.keys(real) as ActivityName[]) {
    if (LOCAL_ACTIVITIES.includes(name)) continue;
    const realCall = real[name] as (request: unknown) => Promise<unknown>;
    wrapped[name] = async (request: unknown) => {
      const calls = router.lookup(currentWorkflowId());
      if (!calls) throw failure('configuration', `activity ${name} called outside a test run`);
      if (name === 'fetchSchemas') return fetchSchemas(calls, request as FetchSchemasRequest, realCall, deps);
      const position = positionOf(request);
      const kind = kindOfActivity(name);
      const ctx = kindContext(calls, deps, position);
      const view = kind ? await kind.view(name, request, ctx) : { summary: name, fields: {} };
      const answer = kind ? calls.take(kind.key, view, position) : undefined;
      if (!answer) {
        if (!calls.allowRealCalls) throw noMock(calls, view.summary, position, view.detail);
        calls.record({ summary: view.summary, position, real: true });
        return realCall(request);
      }
      if (isPlainObject(answer.error)) throw dslFailure(answerError(answer.error, position));
      return kind!.reply(answer, request, ctx);
    };
  }
  return wrapped as unknown as RunnerActivities;
}

function kindContext(calls: TestCalls, deps: ActivityDeps, position: string | undefined): KindContext {
  return {
    deps,
    // OAuth2 token requests and schema resources: answered by `mocks.http` like any HTTP call.
    httpFetch: async (url: string, init: RequestInit) => {
      const method = String(init.method ?? 'GET').toUpperCase();
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const summary = `http ${method} ${url}`;
      const body = typeof init.body === 'string' ? init.body : undefined;
      const answer = calls.take('http', { summary, fields: { method, url, headers, body } }, position);
      if (!answer) {
        if (!calls.allowRealCalls) throw noMock(calls, summary, position);
        calls.record({ summary, position, real: true });
        return fetch(url, init);
      }
      if (isPlainObject(answer.error)) throw dslFailure(answerError(answer.error, position));
      const status = typeof answer.status === 'number' ? answer.status : 200;
      return new Response(status === 204 ? null : answerBytes(answer.body), { status, headers: answerHeaders(answer) });
    },
  };
}

/** External schemas: one GET per resource, answered by `mocks.http`; a text body is parsed as JSON or YAML. */
async function fetchSchemas(
  calls: TestCalls,
  request: FetchSchemasRequest,
  realCall: (request: unknown) => Promise<unknown>,
  deps: ActivityDeps,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const resource of request.resources) {
    const summary = `http GET ${resource.uri}`;
    const answer = calls.take('http', { summary, fields: { method: 'GET', url: resource.uri } }, resource.instance);
    if (!answer) {
      if (!calls.allowRealCalls) throw noMock(calls, summary, resource.instance);
      calls.record({ summary, position: resource.instance, real: true });
      Object.assign(out, await realCall({ ...request, resources: [resource] }));
      continue;
    }
    if (isPlainObject(answer.error)) throw dslFailure(answerError(answer.error, resource.instance));
    const status = typeof answer.status === 'number' ? answer.status : 200;
    if (status < 200 || status >= 300) {
      throw failure('communication', `HTTP ${status} from GET ${resource.uri}`, {
        instance: resource.instance,
        status,
      });
    }
    out[resource.uri] = typeof answer.body === 'string' ? parseYaml(answer.body) : answer.body;
  }
  void deps;
  return out;
}
