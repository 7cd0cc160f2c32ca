/**
 * The API key and secret values never appear in clear anywhere a run leaves traces: the service's logs
 * (debug level), every progress event the Stigmer receiver got, the events served by get_events, the
 * full Temporal history of each run (payloads decoded) and error messages. The service runs as its own
 * process with only environment configuration, exactly as deployed; the runs use a secret in an HTTP
 * header (reaching the server proves it was used), in a URL of a call that fails, and in a failing call.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { FakeStigmer } from '../support/fake-stigmer';
import { startServiceProcess, unary, type ServiceProcess } from './service-process';

const SECRET = `s3cr3t-${randomUUID()}`;
const API_KEY = `apikey-${randomUUID()}`;

const header = (name: string) =>
  `document:\n  dsl: '1.0.0'\n  namespace: security\n  name: ${name}\n  version: '1.0.0'\nuse:\n  secrets: [apiToken]\ndo:\n`;

/** Every form in which a leaked value could be found: clear, base64 and base64url (payload bytes). */
function forms(value: string): string[] {
  const b = Buffer.from(value);
  return [value, b.toString('base64').slice(0, 24), b.toString('base64url').slice(0, 24)];
}

/**
 * The full Temporal history as JSON plus the decoded text of every base64 field in it (payload data
 * and metadata arrive base64-encoded, where a clear secret would not be seen by a plain search).
 */
function historyText(history: unknown): string {
  const json = JSON.stringify(history, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
  );
  const decoded = [...json.matchAll(/"([A-Za-z0-9+/]{8,}={0,2})"/g)].map((m) =>
    Buffer.from(m[1], 'base64').toString('utf8'),
  );
  return `${json}\n${decoded.join('\n')}`;
}

// Hooks and tests wait on real processes; the default 5 s does not cover them.
jest.setTimeout(180_000);

describe('secrets and the API key never leak', () => {
  let http: Server;
  let baseUrl: string;
  const seenHeaders: IncomingHttpHeaders[] = [];
  let stigmer: FakeStigmer;
  let service: ServiceProcess;
  let connection: Connection;

  beforeAll(async () => {
    http = createServer((req, res) => {
      seenHeaders.push(req.headers);
      const fail = req.url?.startsWith('/fail');
      res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(fail ? { error: 'upstream broke' } : { ok: true }));
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    stigmer = await new FakeStigmer().start();
    service = await startServiceProcess({
      TEMPORAL_SERVICE_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: `security-${randomUUID()}`,
      STIGMER_SERVICE_ENDPOINT: stigmer.address,
      STIGMER_SERVICE_API_KEY: API_KEY,
      STIGMER_SERVICE_USE_TLS: 'false',
      RUNNER_SECRETS_KEY: randomBytes(32).toString('hex'),
    });
    connection = await Connection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS! });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await stigmer?.stop();
    http?.close();
    await connection?.close();
  });

  it('scans logs, events, history and errors after runs that use a secret', async () => {
    const runs: Record<string, string> = {
      used:
        header('secret-used') +
        `  - callApi:\n      call: http\n      with:\n        method: get\n        endpoint: ${baseUrl}/ok\n` +
        `        headers:\n          authorization: \${ "Bearer " + $secrets.apiToken }\n  - after:\n      set:\n        ok: true\n`,
      inFailingUrl:
        header('secret-in-url') +
        `  - callApi:\n      call: http\n      with:\n        method: get\n        endpoint: \${ "${baseUrl}/fail?token=" + $secrets.apiToken }\n`,
      unreachable:
        header('secret-unreachable') +
        `  - callApi:\n      call: http\n      with:\n        method: get\n        endpoint: \${ "http://127.0.0.1:1/x?token=" + $secrets.apiToken }\n`,
    };
    const ids: string[] = [];
    for (const [name, yaml] of Object.entries(runs)) {
      const executionId = `leak-${name}-${randomUUID()}`;
      ids.push(executionId);
      await unary(service.command, 'execute', {
        executionId,
        workflowYaml: yaml,
        inputJson: '{}',
        environment: [{ name: 'apiToken', value: SECRET, secret: true }],
        metadata: {},
      });
    }
    const client = new Client({ connection });
    for (const id of ids)
      await client.workflow
        .getHandle(id)
        .result()
        .catch(() => undefined);
    // Delivery is asynchronous: wait until each run's terminal event reached the receiver.
    await stigmer.waitFor(
      (s) =>
        ids.every((id) =>
          s.acceptedFor(id).some((e) => ['workflow_completed', 'workflow_failed'].includes(e.eventType)),
        ),
      60_000,
      'terminal events of every run',
    );

    // The secret really was used: the server saw it in the header.
    expect(seenHeaders.some((h) => h.authorization === `Bearer ${SECRET}`)).toBe(true);
    // Every callback carried the API key as a Bearer token (it must travel there, and only there).
    expect(stigmer.calls.every((c) => c.authorization === `Bearer ${API_KEY}`)).toBe(true);

    const texts: Record<string, string> = {
      logs: service.logs(),
      callbacks: JSON.stringify(stigmer.calls.map((c) => c.event)),
    };
    for (const id of ids) {
      texts[`history ${id}`] = historyText(await client.workflow.getHandle(id).fetchHistory());
      texts[`get_events ${id}`] = JSON.stringify(
        await unary(service.query, 'getEvents', { executionId: id, fromSequence: 1, limit: 1000 }),
      );
      texts[`get_status ${id}`] = JSON.stringify(await unary(service.query, 'getStatus', { executionId: id }));
    }
    // The failing runs did fail, and their errors are part of what was scanned.
    expect(texts[`get_status ${ids[1]}`]).toMatch(/failed/);
    expect(texts[`get_status ${ids[2]}`]).toMatch(/failed/);
    // The scan sees real content: decoded payloads (the sealed form of the secret) and logs about the runs.
    expect(texts[`history ${ids[0]}`]).toContain('sealed:v1:');
    expect(texts[`history ${ids[0]}`]).toContain('$secrets.apiToken');
    expect(texts.logs).toContain(ids[0]);
    for (const [where, text] of Object.entries(texts)) {
      for (const form of [...forms(SECRET), ...forms(API_KEY)]) {
        if (text.includes(form))
          throw new Error(`${where} contains a secret (${form === SECRET || form === API_KEY ? 'clear' : 'encoded'})`);
      }
    }
  }, 180_000);
});
