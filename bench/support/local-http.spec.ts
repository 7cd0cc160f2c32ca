import { type LocalHttpServer, startLocalHttpServer } from './local-http';

describe('the bench HTTP server', () => {
  let server: LocalHttpServer;
  beforeAll(async () => {
    server = await startLocalHttpServer();
  });
  afterAll(() => server.close());

  const statuses = async (count: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 1; i <= count; i++) {
      const res = await fetch(`${server.baseUrl}/flaky/${i}`);
      await res.arrayBuffer();
      out.push(res.status);
    }
    return out;
  };
  const failedAt = (codes: number[]): number[] => codes.flatMap((code, i) => (code === 503 ? [i + 1] : []));

  it('fails every tenth /flaky/ request, and after restartFailures the same requests of a sequence fail again', async () => {
    expect(failedAt(await statuses(25))).toEqual([10, 20]);
    // 25 requests leave the count at 5: without a restart the fifth of the next sequence would fail
    server.restartFailures();
    expect(failedAt(await statuses(12))).toEqual([10]);
    expect(server.stats().injectedFailures).toBe(3);
  });

  it('answers other paths from the path alone', async () => {
    const res = await fetch(`${server.baseUrl}/step/7`);
    expect(await res.json()).toEqual({ path: '/step/7', step: 7, ok: true });
  });
});
