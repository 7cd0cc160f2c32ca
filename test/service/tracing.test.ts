/**
 * One connected trace across the whole run, received by a real OTLP/HTTP endpoint (an in-process collector
 * that decodes OTLP JSON): the caller's `traceparent` on `execute` → the runner's gRPC server span → the
 * Temporal start → the workflow → one span per task → the activity → the outgoing HTTP request, whose
 * `traceparent` the called service receives. The runner runs as its own process (`serve`), configured only by
 * the standard OTEL_* variables, as a deployment runs it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import type { ExecuteResponse, ExecutionStatus } from '../../src/generated/ai/stigmer/workflow/runner/v1/io';
import { startServiceProcess, type ServiceProcess } from '../security/service-process';
import { eventually, temporalAddress } from './harness';

jest.setTimeout(180_000);

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** OTLP/JSON ids are hex; accept base64 too (some encoders use the protobuf JSON mapping). */
const hexId = (id: string | undefined): string =>
  !id ? '' : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');

function attributeMap(list: Array<{ key: string; value: Record<string, unknown> }> = []): Record<string, unknown> {
  return Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0]]));
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const body = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

describe('OpenTelemetry traces', () => {
  const spans: ReceivedSpan[] = [];
  const traceparents: string[] = [];
  let collector: Server;
  let service: Server;
  let runner: ServiceProcess;
  let serviceUrl: string;

  beforeAll(async () => {
    collector = createServer(async (req, res) => {
      const text = await body(req);
      if (req.url === '/v1/traces') {
        const request = JSON.parse(text) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, any>> }> }>;
        };
        for (const rs of request.resourceSpans)
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans)
              spans.push({
                traceId: hexId(s.traceId),
                spanId: hexId(s.spanId),
                parentSpanId: hexId(s.parentSpanId) || undefined,
                name: s.name,
                attributes: attributeMap(s.attributes),
              });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const collectorUrl = await listen(collector);
    service = createServer(async (req, res) => {
      await body(req);
      traceparents.push(String(req.headers.traceparent ?? ''));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"stock":7}');
    });
    serviceUrl = await listen(service);
    runner = await startServiceProcess({
      TEMPORAL_SERVICE_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: `tracing-${randomUUID()}`,
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'runner-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  });

  afterAll(async () => {
    await runner?.stop();
    await new Promise((r) => collector?.close(r));
    await new Promise((r) => service?.close(r));
  });

  /** Runs the document through gRPC execute under a caller's trace; resolves with the trace's spans. */
  async function tracedRun(
    callMetadata: string,
  ): Promise<{ trace: ReceivedSpan[]; traceId: string; callerSpanId: string }> {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${traceId}-${callerSpanId}-01`);
    const executionId = `traced-${randomUUID()}`;
    await new Promise<ExecuteResponse>((resolve, reject) =>
      runner.command.execute(
        {
          executionId,
          workflowYaml: `
document: { dsl: '1.0.3', namespace: test, name: traced, version: '1.0.0' }
do:
  - prepare:
      set: { sku: abc }
  - checkStock:
      call: http
      with: { method: get, endpoint: ${serviceUrl}/stock }
${callMetadata}`,
          inputJson: '',
          environment: [],
          metadata: {},
        },
        metadata,
        (err, res) => (err ? reject(err) : resolve(res)),
      ),
    );
    await eventually(async () => {
      const status = await new Promise<ExecutionStatus>((resolve, reject) =>
        runner.query.getStatus({ executionId }, (err, res) => (err ? reject(err) : resolve(res))),
      );
      return status.status === 'completed' ? status : undefined;
    });

    const names = ['RunWorkflow:serverlessWorkflow', 'RunTask:prepare', 'RunTask:checkStock', 'RunActivity:callHttp'];
    const trace = await eventually(
      async () => {
        const mine = spans.filter((s) => s.traceId === traceId);
        const complete = names.every((n) => mine.some((s) => s.name === n)) && mine.some((s) => s.name === 'GET');
        return complete ? mine : undefined;
      },
      60_000,
      'the spans of the traced run',
    );
    return { trace, traceId, callerSpanId };
  }

  const ancestryIn = (trace: ReceivedSpan[]) => {
    const parentOf = (s: ReceivedSpan) => trace.find((p) => p.spanId === s.parentSpanId);
    return (s: ReceivedSpan): string[] => {
      const chain: string[] = [];
      for (let p = parentOf(s); p; p = parentOf(p)) chain.push(p.name);
      return chain;
    };
  };

  it('connects the caller, the gRPC call, the workflow, its tasks, the activity and the HTTP request', async () => {
    const { trace, traceId, callerSpanId } = await tracedRun('');

    // One connected trace: every span's parent is the caller's span or another span of the trace.
    const ids = new Set(trace.map((s) => s.spanId));
    for (const s of trace) expect([callerSpanId, ...ids]).toContain(s.parentSpanId);
    const byName = (name: string) => trace.find((s) => s.name === name)!;
    const parentOf = (s: ReceivedSpan) => trace.find((p) => p.spanId === s.parentSpanId);
    const ancestry = ancestryIn(trace);

    // The gRPC server span of execute continues the caller's trace and encloses the workflow start.
    const server = trace.find((s) => s.parentSpanId === callerSpanId)!;
    expect(server.name).toMatch(/WorkflowRunnerCommandController\/execute$/);
    expect(ancestry(byName('StartWorkflow:serverlessWorkflow'))).toContain(server.name);

    const http = trace.find((s) => s.name === 'GET')!;
    expect(ancestry(http)).toEqual(
      expect.arrayContaining([
        'RunActivity:callHttp',
        'StartActivity:callHttp',
        'RunTask:checkStock',
        'RunWorkflow:serverlessWorkflow',
        'StartWorkflow:serverlessWorkflow',
        server.name,
      ]),
    );
    expect(parentOf(byName('RunTask:prepare'))?.name).toBe('RunWorkflow:serverlessWorkflow');
    expect(byName('RunTask:checkStock').attributes).toMatchObject({
      'workflow_runner.task.name': 'checkStock',
      'workflow_runner.task.position': '/do/1/checkStock',
      'workflow_runner.task.kind': 'call',
    });

    // The called service got the W3C traceparent of the HTTP client span.
    expect(traceparents).toContain(`00-${traceId}-${http.spanId}-01`);
  });

  it('traces a call run as a local activity (metadata.localActivity) like any other', async () => {
    const { trace, traceId, callerSpanId } = await tracedRun('      metadata: { localActivity: true }\n');
    const ids = new Set(trace.map((s) => s.spanId));
    for (const s of trace) expect([callerSpanId, ...ids]).toContain(s.parentSpanId);
    const http = trace.find((s) => s.name === 'GET')!;
    expect(ancestryIn(trace)(http)).toEqual(
      expect.arrayContaining(['RunActivity:callHttp', 'RunTask:checkStock', 'RunWorkflow:serverlessWorkflow']),
    );
    expect(traceparents).toContain(`00-${traceId}-${http.spanId}-01`);
  });
});
