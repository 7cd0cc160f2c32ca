/**
 * Long-running activities heartbeat while they wait: a `call: http` held open by a real slow server shows a
 * heartbeat on the pending activity (observed through `describe`), and the activity was scheduled with the
 * 30 s heartbeat timeout that makes a dead worker's call retry quickly.
 */
import type { ServerResponse } from 'node:http';
import { temporal } from '@temporalio/proto';
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { json, startFakeHttp, type FakeHttp, type RecordedRequest } from './fake-http';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

const held: ServerResponse[] = [];
function slow(req: RecordedRequest, res: ServerResponse): boolean {
  if (req.url !== '/slow') return false;
  held.push(res);
  return true;
}

let runner: TestRunner;
let http: FakeHttp;
beforeAll(async () => {
  http = await startFakeHttp([slow]);
  runner = await startTestRunner({ activities: { http: { requestTimeoutMs: 60_000 } } });
});
afterAll(async () => {
  for (const res of held) if (!res.writableEnded) res.end();
  await runner?.shutdown();
  await http?.close();
});

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('activity heartbeats', () => {
  it('a call waiting on a slow server heartbeats and is scheduled with a heartbeat timeout', async () => {
    const handle = await runner.start(
      workflow(
        'heartbeat',
        `
do:
  - wait:
      call: http
      with: { method: get, endpoint: '${http.url}/slow' }
`,
      ),
    );
    const pending = await until(async () => {
      const info = (await handle.describe()).raw.pendingActivities?.[0];
      return info?.lastHeartbeatTime ? info : undefined;
    }, 'a heartbeat of the pending callHttp activity');
    expect(pending.activityType?.name).toBe('callHttp');
    // The server is still holding the request: the heartbeat came while the activity was waiting on it.
    expect(held).toHaveLength(1);
    expect(held[0].writableEnded).toBe(false);

    const history = await handle.fetchHistory();
    const scheduled = history.events?.find(
      (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    );
    expect(Number(scheduled?.activityTaskScheduledEventAttributes?.heartbeatTimeout?.seconds)).toBe(30);

    json(held[0], 200, { done: true });
    const { result } = await runner.outcome(handle);
    expect(result).toMatchObject({ status: 'completed', output: { done: true } });
  });
});
