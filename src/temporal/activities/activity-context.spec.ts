import { MockActivityEnvironment } from '@temporalio/testing';
import { HEARTBEAT_INTERVAL_MS, withHeartbeat } from './activity-context';

function environment(): { env: MockActivityEnvironment; beats: () => number } {
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000 }, { logger: undefined });
  let beats = 0;
  env.on('heartbeat', () => (beats += 1));
  return { env, beats: () => beats };
}

describe('withHeartbeat', () => {
  afterEach(() => jest.useRealTimers());

  it('sends no heartbeat for a call that ends within the interval', async () => {
    const { env, beats } = environment();
    const wrapped = withHeartbeat(async (n: number) => n * 2);
    expect(await env.run(wrapped, 21)).toBe(42);
    expect(beats()).toBe(0);
  });

  it('heartbeats once per interval while the wrapped activity waits, and stops when it ends', async () => {
    jest.useFakeTimers();
    const { env, beats } = environment();
    let release: (value: string) => void = () => undefined;
    const wrapped = withHeartbeat(() => new Promise<string>((resolve) => (release = resolve)));
    const result = env.run(wrapped);
    await jest.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS - 1);
    expect(beats()).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(beats()).toBe(1);
    await jest.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS * 2);
    expect(beats()).toBe(3);
    release('done');
    expect(await result).toBe('done');
    await jest.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS * 2);
    expect(beats()).toBe(3);
  });

  it('never heartbeats in a local activity (they have no heartbeat timeout), however long it waits', async () => {
    jest.useFakeTimers();
    const local = new MockActivityEnvironment({ isLocal: true, heartbeatTimeoutMs: 30_000 }, { logger: undefined });
    let beats = 0;
    local.on('heartbeat', () => (beats += 1));
    let release: (value: string) => void = () => undefined;
    const result = local.run(withHeartbeat(() => new Promise<string>((resolve) => (release = resolve))));
    await jest.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS * 3);
    release('local');
    expect(await result).toBe('local');
    expect(beats).toBe(0);
  });
});
