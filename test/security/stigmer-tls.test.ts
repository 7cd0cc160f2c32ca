/**
 * TLS to the Stigmer endpoint verifies the server certificate: a server with a self-signed certificate is
 * refused unless its CA is configured (STIGMER_SERVICE_CA_FILE). The certificates are made with openssl
 * at test time; the server is a real grpc-js TLS server implementing report_progress.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { StigmerClient } from '../../src/callback/stigmer-client';
import { WorkflowRunnerCommandControllerService } from '../../src/generated/ai/stigmer/workflow/runner/v1/command';
import type { WorkflowProgressEvent } from '../../src/temporal/contract';

const event: WorkflowProgressEvent = {
  executionId: 'tls-1',
  eventId: 'tls-1:1',
  sequence: 1,
  eventType: 'workflow_started',
  status: 'running',
  workflowName: 'tls',
  timestamp: new Date(0).toISOString(),
};

function makeCertificate(dir: string, name: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key, cert };
}

// Hooks and tests wait on real processes; the default 5 s does not cover them.
jest.setTimeout(60_000);

describe('TLS to the Stigmer endpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-tls-'));
  const server = new Server();
  let received = 0;
  let port = 0;
  let serverCert: { key: string; cert: string };
  let otherCert: { key: string; cert: string };

  beforeAll(async () => {
    serverCert = makeCertificate(dir, 'server');
    otherCert = makeCertificate(dir, 'other');
    const unimplemented = (_c: unknown, cb: (e: Partial<ServiceError>) => void) => cb({ code: status.UNIMPLEMENTED });
    server.addService(WorkflowRunnerCommandControllerService, {
      reportProgress: (_call: unknown, cb: (e: null, r: object) => void) => {
        received += 1;
        cb(null, {});
      },
      execute: unimplemented,
      cancel: unimplemented,
      pause: unimplemented,
      resume: unimplemented,
      sendEvent: unimplemented,
    });
    const credentials = ServerCredentials.createSsl(null, [
      { private_key: readFileSync(serverCert.key), cert_chain: readFileSync(serverCert.cert) },
    ]);
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', credentials, (err, bound) => (err ? reject(err) : resolve(bound))),
    );
  });

  afterAll(() => {
    server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = (caFile?: string) =>
    new StigmerClient({ endpoint: `localhost:${port}`, apiKey: 'k', useTls: true, caFile, callTimeoutMs: 3000 });

  it('refuses a self-signed server when no CA is configured', async () => {
    const c = client();
    await expect(c.reportProgress(event)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    c.close();
    expect(received).toBe(0);
  });

  it('refuses the server when a different CA is configured', async () => {
    const c = client(otherCert.cert);
    await expect(c.reportProgress(event)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    c.close();
    expect(received).toBe(0);
  });

  it('delivers once the server certificate is the configured CA', async () => {
    const c = client(serverCert.cert);
    await expect(c.reportProgress(event)).resolves.toBeUndefined();
    c.close();
    expect(received).toBe(1);
  });
});
