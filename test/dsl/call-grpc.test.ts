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

const greet = (name: string) =>
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
`,
  );

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
});
