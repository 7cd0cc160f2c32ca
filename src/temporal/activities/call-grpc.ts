/**
 * `call: grpc`: loads the proto resource, then makes one unary call to `service.name`/`method` on
 * `service.host:port` with `arguments` as the request message. Plain-text channel unless port 443.
 */
import { credentials, loadPackageDefinition, Metadata, type ServiceClientConstructor } from '@grpc/grpc-js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizedResult } from './authorization';
import type { ActivityDeps } from './deps';
import { resolveDeferred } from './deferred';
import { failure } from './failures';
import type { GrpcCallRequest } from './types';

export function createCallGrpc(deps: ActivityDeps) {
  return async function callGrpc(request: GrpcCallRequest): Promise<unknown> {
    const instance = request.position;
    const args = resolveDeferred(request.args, request.scope, deps.secretsKey, instance) as Record<string, any>;
    const protoUri = typeof args.proto?.endpoint === 'string' ? args.proto.endpoint : args.proto?.endpoint?.uri;
    if (typeof protoUri !== 'string') throw failure('configuration', 'call: grpc needs proto.endpoint', { instance });
    const protoText = await fetchText(deps, protoUri, instance);
    const Service = await loadService(protoText, String(args.service?.name ?? ''), instance);
    const host = String(args.service?.host ?? 'localhost');
    const port = Number(args.service?.port ?? 443);
    const client = new Service(
      `${host}:${port}`,
      port === 443 ? credentials.createSsl() : credentials.createInsecure(),
    );
    const method = String(args.method ?? '');
    if (typeof (client as any)[method] !== 'function') {
      client.close();
      throw failure('configuration', `method '${method}' not found on ${args.service?.name}`, { instance });
    }
    const metadata = new Metadata();
    const bearer = args.service?.authentication?.bearer?.token;
    if (typeof bearer === 'string') metadata.set('authorization', `Bearer ${bearer}`);
    const deadline = new Date(Date.now() + (deps.http?.requestTimeoutMs ?? 30_000));
    try {
      const output = await new Promise((resolve, reject) => {
        (client as any)[method](args.arguments ?? {}, metadata, { deadline }, (err: any, reply: unknown) => {
          if (err)
            reject(
              failure('communication', `gRPC ${method}: ${err.details ?? err.message}`, {
                instance,
                status: grpcToHttp(err.code),
              }),
            );
          else resolve(reply);
        });
      });
      if (!request.describeAuthorization) return output;
      return authorizedResult(deps, output, {
        authorization: typeof bearer === 'string' ? { scheme: 'Bearer', parameter: bearer } : undefined,
      });
    } finally {
      client.close();
    }
  };
}

async function fetchText(deps: ActivityDeps, uri: string, instance: string): Promise<string> {
  const target = deps.http?.rewriteUrl ? deps.http.rewriteUrl(uri) : uri;
  if (target.startsWith('file://'))
    throw failure('configuration', 'proto resources must be http(s) URLs', { instance });
  const response = await fetch(target, { signal: AbortSignal.timeout(deps.http?.requestTimeoutMs ?? 30_000) }).catch(
    (e: unknown) => {
      throw failure('communication', `proto resource unreachable: ${(e as Error)?.message ?? e}`, {
        instance,
        status: 503,
      });
    },
  );
  if (!response.ok)
    throw failure('communication', `proto resource: HTTP ${response.status}`, { instance, status: response.status });
  return response.text();
}

async function loadService(
  protoText: string,
  serviceName: string,
  instance: string,
): Promise<ServiceClientConstructor> {
  // The .proto parser is loaded on the first `call: grpc`, not with the worker: most workflows make none.
  const { loadSync } = await import('@grpc/proto-loader');
  const dir = mkdtempSync(join(tmpdir(), 'grpc-call-'));
  try {
    const file = join(dir, 'service.proto');
    writeFileSync(file, protoText);
    const definition = loadPackageDefinition(
      loadSync(file, { keepCase: true, longs: String, enums: String, defaults: true }),
    );
    let node: any = definition;
    for (const part of serviceName.split('.')) node = node?.[part];
    if (typeof node !== 'function')
      throw failure('configuration', `service '${serviceName}' not found in the proto`, { instance });
    return node as ServiceClientConstructor;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** gRPC status → the HTTP-like status a DSL error carries. */
function grpcToHttp(code: number): number {
  const map: Record<number, number> = { 3: 400, 5: 404, 7: 403, 16: 401, 4: 408, 14: 503, 12: 501, 8: 429 };
  return map[code] ?? 500;
}
