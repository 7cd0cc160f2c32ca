/**
 * A real grpc-js server standing in for the Stigmer Service: it implements report_progress and records
 * every call (event, Bearer header, arrival order). Failures can be scripted per call to exercise retries.
 */
import { type Metadata, Server, ServerCredentials, type ServiceError, status } from '@grpc/grpc-js';
import { WorkflowRunnerCommandControllerService } from '../../src/generated/ai/stigmer/workflow/runner/v1/command';
import type { WorkflowProgressEvent } from '../../src/generated/ai/stigmer/workflow/runner/v1/io';

export interface RecordedCall {
  event: WorkflowProgressEvent;
  authorization?: string;
  /** The code the fake answered with (0 = OK). */
  code: number;
}

/** Decides the answer to one call: a gRPC status code (0 = accept). */
export type Responder = (event: WorkflowProgressEvent, callIndex: number) => number;

export class FakeStigmer {
  readonly calls: RecordedCall[] = [];
  responder: Responder = () => status.OK;
  private readonly server = new Server();
  private waiters: Array<() => void> = [];
  port = 0;

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Events the fake accepted, in arrival order. */
  get accepted(): WorkflowProgressEvent[] {
    return this.calls.filter((c) => c.code === status.OK).map((c) => c.event);
  }

  acceptedFor(executionId: string): WorkflowProgressEvent[] {
    return this.accepted.filter((e) => e.executionId === executionId);
  }

  /** Serves TLS with this certificate and key (PEM) instead of plaintext. */
  constructor(private readonly tls?: { cert: Buffer; key: Buffer }) {}

  async start(port = 0): Promise<this> {
    const unimplemented = (_call: unknown, callback: (err: Partial<ServiceError>) => void): void =>
      callback({ code: status.UNIMPLEMENTED, details: 'not served by the fake Stigmer Service' });
    this.server.addService(WorkflowRunnerCommandControllerService, {
      reportProgress: (
        call: { request: WorkflowProgressEvent; metadata: Metadata },
        callback: (err: Partial<ServiceError> | null, res?: object) => void,
      ) => {
        const code = this.responder(call.request, this.calls.length);
        const authorization = call.metadata.get('authorization')[0]?.toString();
        this.calls.push({ event: call.request, authorization, code });
        this.notify();
        if (code === status.OK) callback(null, {});
        else callback({ code, details: `scripted failure ${status[code]}` });
      },
      execute: unimplemented,
      cancel: unimplemented,
      pause: unimplemented,
      resume: unimplemented,
      sendEvent: unimplemented,
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${port}`, this.credentials(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      ),
    );
    return this;
  }

  private credentials(): ServerCredentials {
    if (!this.tls) return ServerCredentials.createInsecure();
    return ServerCredentials.createSsl(null, [{ cert_chain: this.tls.cert, private_key: this.tls.key }], false);
  }

  /** Waits (no fixed sleep) until `predicate` holds over the recorded calls. */
  waitFor(predicate: (fake: this) => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate(this)) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`fake Stigmer: timed out waiting for ${what} (${this.calls.length} calls recorded)`));
      }, timeoutMs);
      this.waiters.push(check);
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  /** Stops abruptly (connections dropped), like a crashed receiver. */
  kill(): void {
    this.server.forceShutdown();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
