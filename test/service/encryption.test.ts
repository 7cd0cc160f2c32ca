/**
 * Payload encryption end to end: the real runner service with a key directory (as a mounted Secret), a
 * workflow with an HTTP call, the raw history read without the codec, the `/codec` endpoint of the HTTP app,
 * a run recorded in clear before encryption was turned on, and a key rotation.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { ENCODED_FAILURES_PATH } from '../../src/codec/data-converter';
import { workflowBundleOptions } from '../../src/temporal/worker-factory';
import type { WorkflowExecuteInput } from '../../src/generated/ai/stigmer/workflow/runner/v1/io';
import { startFakeHttp, type FakeHttp } from '../dsl/fake-http';
import { eventually, freePort, type RunnerHarness, startRunner, temporalAddress } from './harness';

jest.setTimeout(180_000);

const MARKER = `clear-text-marker-${randomUUID()}`;
const TOKEN = `codec-token-${randomUUID()}`;

const workflow = (url: string) => `
document: { dsl: '1.0.3', namespace: test, name: encrypted, version: '1.0.0' }
do:
  - remember:
      set:
        marker: \${ .marker }
  - echo:
      call: http
      with:
        method: post
        endpoint: ${url}/echo
        body:
          marker: \${ .marker }
`;

function input(yaml: string): WorkflowExecuteInput {
  return {
    executionId: `enc-${randomUUID()}`,
    workflowYaml: yaml,
    inputJson: JSON.stringify({ marker: MARKER }),
    environment: [],
    metadata: {},
  };
}

/** Every payload's bytes in a raw history (no codec), as text. */
async function rawPayloadTexts(raw: Client, executionId: string): Promise<{ text: string; encodings: Set<string> }> {
  const history = await raw.workflow.getHandle(executionId).fetchHistory();
  const texts: string[] = [];
  const encodings = new Set<string>();
  JSON.stringify(history, (key, value) => {
    if (key === 'data' && typeof value === 'string') texts.push(Buffer.from(value, 'base64').toString('utf8'));
    if (key === 'encoding' && typeof value === 'string') encodings.add(Buffer.from(value, 'base64').toString('utf8'));
    return value;
  });
  return { text: texts.join('\n'), encodings };
}

describe('encrypted payloads', () => {
  let http: FakeHttp;
  let raw: Client;
  let connection: Connection;
  const keys = mkdtempSync(join(tmpdir(), 'runner-keys-'));
  writeFileSync(join(keys, 'k1'), randomBytes(32).toString('base64'));

  beforeAll(async () => {
    http = await startFakeHttp();
    connection = await Connection.connect({ address: temporalAddress() });
    raw = new Client({ connection });
  });
  afterAll(async () => {
    await http?.close();
    await connection?.close();
  });

  async function runner(
    extra: Record<string, string>,
    taskQueue?: string,
  ): Promise<RunnerHarness & { health: string }> {
    const healthPort = await freePort();
    const h = await startRunner({ taskQueue, env: { HEALTH_PORT: String(healthPort), ...extra } });
    return Object.assign(h, { health: `http://127.0.0.1:${healthPort}` });
  }

  async function completed(h: RunnerHarness, executionId: string): Promise<void> {
    await eventually(
      async () => {
        const s = await h.rpc.getStatus({ executionId });
        return s.status === 'completed' ? s : undefined;
      },
      60_000,
      `${executionId} completed`,
    );
  }

  it('keeps inputs, activity results and outputs out of history in clear; the runner and the codec endpoint read them', async () => {
    const h = await runner({
      PAYLOAD_ENCRYPTION_KEYS_DIR: keys,
      CODEC_SERVER_AUTH_TOKEN: TOKEN,
      CODEC_SERVER_CORS_ORIGINS: 'http://localhost:8233',
    });
    try {
      const req = input(workflow(http.url));
      await h.rpc.execute(req);
      await completed(h, req.executionId);
      // The HTTP service really received the marker: the check below is about history, not a skipped call.
      expect(http.requests.some((r) => r.body.includes(MARKER))).toBe(true);

      const history = await rawPayloadTexts(raw, req.executionId);
      expect(history.encodings).toEqual(new Set(['binary/encrypted']));
      expect(history.text).not.toContain(MARKER);
      expect(history.text).not.toContain('call: http');

      // Through the runner (its client has the key) everything reads as before.
      const events = await h.rpc.getEvents({ executionId: req.executionId, fromSequence: 1, limit: 100 });
      expect(events.events.at(-1)?.eventType).toBe('workflow_completed');
      expect(events.events.at(-1)?.outputSummary).toContain(MARKER);

      // The Web UI's codec server: CORS preflight, then decode of the raw start payload with the token.
      const started = (await raw.workflow.getHandle(req.executionId).fetchHistory()).events![0];
      const payload = started.workflowExecutionStartedEventAttributes!.input!.payloads![0];
      const body = JSON.stringify({
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
            ),
            data: Buffer.from(payload.data!).toString('base64'),
          },
        ],
      });
      const preflight = await fetch(`${h.health}/codec/decode`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:8233', 'Access-Control-Request-Method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Namespace');
      const post = (auth?: string) =>
        fetch(`${h.health}/codec/decode`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Namespace': 'default',
            Origin: 'http://localhost:8233',
            ...(auth ? { Authorization: auth } : {}),
          },
          body,
        });
      expect((await post()).status).toBe(401);
      expect((await post('Bearer wrong-token-of-some-length')).status).toBe(401);
      const decoded = await post(`Bearer ${TOKEN}`);
      expect(decoded.status).toBe(200);
      const json = (await decoded.json()) as { payloads: Array<{ data: string }> };
      expect(Buffer.from(json.payloads[0].data, 'base64').toString('utf8')).toContain(MARKER);
    } finally {
      await h.close();
    }
  });

  /**
   * A prebuilt bundle (TEMPORAL_WORKFLOW_BUNDLE) as `npm run build:bundle` writes it: the configured file and
   * its `.encrypted.js` sibling. The configured file here cannot load, so the run proves the sibling ran.
   */
  async function prebuiltBundles(): Promise<Record<string, string>> {
    const dir = mkdtempSync(join(tmpdir(), 'runner-bundle-'));
    const { code } = await bundleWorkflowCode({
      ...workflowBundleOptions(),
      failureConverterPath: ENCODED_FAILURES_PATH,
      logger: new DefaultLogger('WARN'),
    });
    writeFileSync(join(dir, 'workflow-bundle.encrypted.js'), code);
    writeFileSync(
      join(dir, 'workflow-bundle.js'),
      "throw new Error('the bundle without encrypted failures was loaded');",
    );
    return { TEMPORAL_WORKFLOW_BUNDLE: join(dir, 'workflow-bundle.js') };
  }

  it.each([
    ['bundled from source', async () => ({})],
    ['a prebuilt bundle', prebuiltBundles],
  ])(
    'keeps failure messages out of history in clear (%s): a raised error and a failed HTTP call',
    async (_, bundle) => {
      const h = await runner({ PAYLOAD_ENCRYPTION_KEYS_DIR: keys, ...(await bundle()) });
      try {
        // The workflow fails in workflow code (raise, its detail quoting the input) after an activity failed
        // (a 404 answer, which a try catches; its message names the path): two failures carrying the marker.
        const req = input(`
document: { dsl: '1.0.3', namespace: test, name: encrypted-failure, version: '1.0.0' }
do:
  - attempt:
      try:
        - fetch:
            call: http
            with:
              method: get
              endpoint: \${ "${http.url}/missing/" + .marker }
      catch:
        as: failure
  - reject:
      raise:
        error:
          type: https://serverlessworkflow.io/spec/1.0.0/errors/validation
          status: 400
          detail: \${ "rejected " + .marker }
`);
        await h.rpc.execute(req);
        const status = await eventually(
          async () => {
            const s = await h.rpc.getStatus({ executionId: req.executionId });
            return s.status === 'failed' ? s : undefined;
          },
          60_000,
          `${req.executionId} failed`,
        );
        // Through the runner (its client has the key) the error reads as raised.
        expect(status.error?.detail).toBe(`rejected ${MARKER}`);

        const history = await raw.workflow.getHandle(req.executionId).fetchHistory();
        const messages: string[] = [];
        JSON.stringify(history, (key, value) => {
          if ((key === 'message' || key === 'stackTrace') && typeof value === 'string') messages.push(value);
          return value;
        });
        expect(messages).toContain('Encoded failure');
        expect(messages.join('\n')).not.toContain(MARKER);
        expect((await rawPayloadTexts(raw, req.executionId)).text).not.toContain(MARKER);
      } finally {
        await h.close();
      }
    },
  );

  it('runs recorded in clear keep working, and a key rotation keeps old payloads readable', async () => {
    const taskQueue = `enc-rotation-${randomUUID()}`;
    const clearRun = input(workflow(http.url).replace('- echo:', '- pause:\n      wait: { seconds: 3 }\n  - echo:'));
    const plain = await runner({}, taskQueue);
    try {
      await plain.rpc.execute(clearRun);
      await eventually(async () => {
        const page = await plain.rpc.getEvents({ executionId: clearRun.executionId, fromSequence: 1, limit: 100 });
        return page.events.some((e) => e.taskName === 'pause') ? page : undefined;
      });
    } finally {
      await plain.close();
    }
    // Encryption turned on while the clear run waits: it finishes on the encrypting runner.
    const first = await runner({ PAYLOAD_ENCRYPTION_KEYS_DIR: keys }, taskQueue);
    const k1Run = input(workflow(http.url));
    try {
      await completed(first, clearRun.executionId);
      await first.rpc.execute(k1Run);
      await completed(first, k1Run.executionId);
    } finally {
      await first.close();
    }
    const mixed = await rawPayloadTexts(raw, clearRun.executionId);
    expect(mixed.encodings).toEqual(new Set(['json/plain', 'binary/encrypted']));

    // Rotation: k2 is added and becomes the active key; k1 stays mounted for reading.
    const rotated = mkdtempSync(join(tmpdir(), 'runner-keys-'));
    writeFileSync(join(rotated, 'k1'), readFileSync(join(keys, 'k1')));
    writeFileSync(join(rotated, 'k2'), randomBytes(32).toString('base64'));
    const second = await runner({ PAYLOAD_ENCRYPTION_KEYS_DIR: rotated }, taskQueue);
    try {
      // Closed runs are read by replay on the worker: k1 payloads must still decrypt.
      const old = await second.rpc.getEvents({ executionId: k1Run.executionId, fromSequence: 1, limit: 100 });
      expect(old.events.at(-1)?.outputSummary).toContain(MARKER);
      const k2Run = input(workflow(http.url));
      await second.rpc.execute(k2Run);
      await completed(second, k2Run.executionId);
      const started = (await raw.workflow.getHandle(k2Run.executionId).fetchHistory()).events![0];
      const meta = started.workflowExecutionStartedEventAttributes!.input!.payloads![0].metadata!;
      expect(Buffer.from(meta['encryption-key-id']!).toString()).toBe('k2');
    } finally {
      await second.close();
    }
  });
});
