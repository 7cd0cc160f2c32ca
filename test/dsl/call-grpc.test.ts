import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadPackageDefinition,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { temporal } from '@temporalio/proto';
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

const PROTO = `syntax = "proto3";
package greet.v1;
service Greeter { rpc SayHello (HelloRequest) returns (HelloReply); }
message HelloRequest { string name = 1; }
message HelloReply { string message = 1; }
`;

let runner: TestRunner;
let grpcPort = 0;
let protoUrl = '';
const grpcServer = new Server();
const protoServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(PROTO));

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'greet-'));
  writeFileSync(join(dir, 'greet.proto'), PROTO);
  const pkg = loadPackageDefinition(loadSync(join(dir, 'greet.proto'))) as unknown as {
    greet: { v1: { Greeter: ServiceClientConstructor } };
  };
  grpcServer.addService(pkg.greet.v1.Greeter.service, {
    SayHello: (call: ServerUnaryCall<{ name: string }, unknown>, cb: sendUnaryData<unknown>) =>
      call.request.name === 'nobody'
        ? cb({ code: status.NOT_FOUND, details: 'no such person' })
        : cb(null, { message: `Hello ${call.request.name}` }),
  });
  grpcPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, port) =>
      e ? reject(e) : resolve(port),
    ),
  );
  await new Promise<void>((r) => protoServer.listen(0, '127.0.0.1', r));
  protoUrl = `http://127.0.0.1:${(protoServer.address() as AddressInfo).port}/greet.proto`;
  runner = await startTestRunner();
});
afterAll(async () => {
  await runner?.shutdown();
  grpcServer.forceShutdown();
  await new Promise((r) => protoServer.close(r));
});

const greet = (name: string, local = false) =>
  workflow(
    'grpc',
    `
do:
  - hello:
      call: grpc
      with:
        proto:
          endpoint: ${protoUrl}
        service:
          name: greet.v1.Greeter
          host: 127.0.0.1
          port: ${grpcPort}
        method: SayHello
        arguments:
          name: ${name}
${local ? '      metadata: { localActivity: true }' : ''}
`,
  );

const EventType = temporal.api.enums.v1.EventType;

describe('call: grpc', () => {
  it('makes a unary call described by a proto resource', async () => {
    const { result } = await runner.run(greet('${ .who }'), { who: 'Ada' });
    expect(result).toMatchObject({ status: 'completed', output: { message: 'Hello Ada' } });
  });

  it('maps gRPC status codes onto communication errors', async () => {
    const { result } = await runner.run(greet('nobody'));
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
      status: 404,
      instance: '/do/0/hello',
    });
  });

  it('runs as a local activity with metadata.localActivity: same reply and error mapping, a marker instead of an activity task', async () => {
    const ok = await runner.run(greet('${ .who }', true), { who: 'Ada' }, { validated: true });
    expect(ok.result).toMatchObject({ status: 'completed', output: { message: 'Hello Ada' } });
    const events = (await runner.client.workflow.getHandle(ok.workflowId).fetchHistory()).events ?? [];
    const types = events.map((e) => e.eventType);
    expect(types).not.toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    expect(types).toContain(EventType.EVENT_TYPE_MARKER_RECORDED);

    const missing = await runner.run(greet('nobody', true), {}, { validated: true });
    expect(missing.result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
      status: 404,
      instance: '/do/0/hello',
    });
  });
});
