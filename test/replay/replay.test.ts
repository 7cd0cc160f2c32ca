/**
 * Determinism guard: histories of representative workflows (stored in histories/*.json) are replayed
 * against the current workflow code. A missing history is recorded first from a live run (set
 * RECORD_HISTORIES=1 to re-record all after an intended, patched() behaviour change).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { startTestRunner, workflowBundle, type TestRunner } from '../support/runner-harness';
import { startFakeHttp, type FakeHttp } from '../dsl/fake-http';
import { workflow } from '../dsl/workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

const DIR = join(__dirname, 'histories');
const History = temporal.api.history.v1.History;
/**
 * Histories are stored in protobufjs object form (enums, 64-bit numbers and bytes as strings), which
 * round-trips through `History.fromObject` without the proto3-JSON serializer.
 */
const PROTO_JSON = { enums: String, longs: String, bytes: String } as const;

const CASES: Record<string, { yaml: (http: FakeHttp) => string; input?: Record<string, unknown> }> = {
  'set-switch-for': {
    yaml: () => workflow('replay-core', `
do:
  - init: { set: { items: [1, 2, 3], total: 0 } }
  - loop:
      for: { each: x, in: .items }
      do:
        - add: { set: { items: '\${ .items }', total: '\${ .total + $x }' } }
  - route:
      switch:
        - big: { when: .total > 5, then: big }
        - small: { then: end }
  - big: { set: { result: big, total: '\${ .total }' } }
`),
  },
  'fork-try-wait': {
    yaml: () => workflow('replay-fork', `
do:
  - split:
      fork:
        branches:
          - a: { wait: { milliseconds: 20 } }
          - b: { set: { b: true } }
  - guarded:
      try:
        - fail: { raise: { error: { type: https://example.com/e, status: 400 } } }
      catch:
        as: e
        do:
          - note: { set: { caught: '\${ $e.status }' } }
`),
  },
  'http-retry': {
    yaml: (http) => workflow('replay-http', `
do:
  - fetch:
      try:
        - get:
            call: http
            with: { method: get, endpoint: '${http.url}/flaky/replay/1' }
      catch:
        retry: { delay: { milliseconds: 10 }, limit: { attempt: { count: 3 } }, jitter: { from: PT0S, to: { milliseconds: 5 } } }
`),
  },
};

let runner: TestRunner | undefined;
let http: FakeHttp | undefined;

afterAll(async () => {
  await runner?.shutdown();
  await http?.close();
});

describe('replay of recorded histories', () => {
  it.each(Object.keys(CASES))('%s replays deterministically', async (name) => {
    const file = join(DIR, `${name}.json`);
    if (!existsSync(file) || process.env.RECORD_HISTORIES) {
      http ??= await startFakeHttp();
      runner ??= await startTestRunner();
      const handle = await runner.start(CASES[name].yaml(http), CASES[name].input ?? {}, { executionId: `replay-${name}` });
      const { result } = await runner.outcome(handle);
      expect(result.status).toBe('completed');
      writeFileSync(file, `${JSON.stringify(History.toObject(History.fromObject(await handle.fetchHistory()), PROTO_JSON), null, 1)}\n`);
    }
    const history = History.fromObject(JSON.parse(readFileSync(file, 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${name}`);
  });
});

