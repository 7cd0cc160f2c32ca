/**
 * What a mock kind is (mock-kinds.ts lists them): the contract between the test runner and one call kind,
 * apart from the table so kinds kept in other files (protocol-mocks.ts) need not import it back.
 */
import type { ActivityDeps } from '../temporal/activities/deps';
import type { RunnerActivities } from '../temporal/activities/types';

export type ActivityName = keyof RunnerActivities;

/** A call as a test sees it: the fields `mocks.<kind>[]` entries match on, and a line naming it. */
export interface CallView {
  summary: string;
  /** More of the call for a "no mock" message (body, arguments), bounded. */
  detail?: string;
  fields: Record<string, unknown>;
}

/** What a kind needs from the test run while it answers (the HTTP mocks answer OAuth2 token requests). */
export interface KindContext {
  deps: ActivityDeps;
  /** Answers an HTTP request from the test's `mocks.http` (token endpoints, schema resources). */
  httpFetch(url: string, init: RequestInit): Promise<Response>;
}

export interface MockKind {
  /** The key under `mocks:`. */
  key: string;
  activities: readonly ActivityName[];
  /** JSON Schema of the fields a mock may match on (strings are exact or `*` globs, objects are subsets). */
  match: Record<string, object>;
  /** JSON Schema of the fields of one answer (every kind also accepts `error`, a DSL error to raise). */
  answer: Record<string, object>;
  view(activity: ActivityName, request: unknown, ctx: KindContext): Promise<CallView>;
  /** The activity's result for an answer. */
  reply(answer: Record<string, unknown>, request: unknown, ctx: KindContext): Promise<unknown>;
}
