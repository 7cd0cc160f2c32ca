import {
  type ServerUnaryCall,
  type sendUnaryData,
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type handleUnaryCall,
} from '@grpc/grpc-js';
import {
  WorkflowRunnerCommandControllerService,
  type WorkflowRunnerCommandControllerServer,
} from '../generated/ai/stigmer/workflow/runner/v1/command';
import type { WorkflowProgressEvent } from '../generated/ai/stigmer/workflow/runner/v1/io';

export type SinkEvent = WorkflowProgressEvent;

export interface ProgressSinkOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** When set, calls without `authorization: Bearer <apiKey>` are refused (UNAUTHENTICATED). */
  apiKey?: string;
  onEvent?: (event: SinkEvent) => void;
}

export interface ProgressSink {
  readonly address: string;
  /** Every event received, duplicates dropped by event id, in arrival order. */
  readonly events: SinkEvent[];
  /** Resolves with the first event matching `predicate` (already received or arriving within `timeoutMs`). */
  waitFor(predicate: (e: SinkEvent) => boolean, timeoutMs: number): Promise<SinkEvent>;
  close(): Promise<void>;
}

function unimplemented<Req, Res>(name: string): handleUnaryCall<Req, Res> {
  return (_call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) =>
    callback({ code: GrpcStatus.UNIMPLEMENTED, details: `the progress sink serves report_progress only, not ${name}` });
}

/**
 * A stand-in for the Stigmer Service: a real gRPC server implementing `report_progress` of
 * WorkflowRunnerCommandController that records (and hands out) every event it receives. The demo
 * prints events from it; tests assert on order, sequence numbers and the Bearer header.
 */
export async function startProgressSink(options: ProgressSinkOptions = {}): Promise<ProgressSink> {
  const events: SinkEvent[] = [];
  const seen = new Set<string>();
  const waiters = new Set<{ predicate: (e: SinkEvent) => boolean; resolve: (e: SinkEvent) => void }>();
  const server = new Server();
  const impl: WorkflowRunnerCommandControllerServer = {
    reportProgress: (call, callback) => {
      if (options.apiKey !== undefined && call.metadata.get('authorization')[0] !== `Bearer ${options.apiKey}`) {
        callback({ code: GrpcStatus.UNAUTHENTICATED, details: 'missing or wrong bearer token' });
        return;
      }
      const event = call.request;
      if (!seen.has(event.eventId)) {
        seen.add(event.eventId);
        events.push(event);
        options.onEvent?.(event);
        for (const w of [...waiters]) {
          if (!w.predicate(event)) continue;
          waiters.delete(w);
          w.resolve(event);
        }
      }
      callback(null, {});
    },
    execute: unimplemented('execute'),
    cancel: unimplemented('cancel'),
    terminate: unimplemented('terminate'),
    recover: unimplemented('recover'),
    pause: unimplemented('pause'),
    resume: unimplemented('resume'),
    sendEvent: unimplemented('send_event'),
    registerDefinition: unimplemented('register_definition'),
    removeDefinition: unimplemented('remove_definition'),
    listDefinitions: unimplemented('list_definitions'),
  };
  server.addService(WorkflowRunnerCommandControllerService, impl);
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return {
    address: `${host}:${port}`,
    events,
    waitFor(predicate, timeoutMs) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (e: SinkEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching progress event within ${timeoutMs} ms (${events.length} received)`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
