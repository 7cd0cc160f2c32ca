/**
 * The grpc-js client of the Stigmer Service's report_progress. TLS verifies the server certificate
 * against the system roots or the configured CA file; there is no switch to turn verification off.
 */
import { readFileSync } from 'node:fs';
import { ChannelCredentials, connectivityState, credentials, Metadata } from '@grpc/grpc-js';
import { WorkflowRunnerCommandControllerClient } from '../generated/ai/stigmer/workflow/runner/v1/command';
import type { CallbackConfig } from '../config/runner-config';
import type { WorkflowProgressEvent } from '../temporal/contract';
import { toWireEvent } from './progress-event';

export interface StigmerClientOptions {
  endpoint: string;
  apiKey?: string;
  useTls: boolean;
  caFile?: string;
  callTimeoutMs: number;
}

export function stigmerClientOptions(config: CallbackConfig & { endpoint: string }): StigmerClientOptions {
  const { endpoint, apiKey, useTls, caFile, callTimeoutMs } = config;
  return { endpoint, apiKey, useTls, caFile, callTimeoutMs };
}

function channelCredentials(options: StigmerClientOptions): ChannelCredentials {
  if (!options.useTls) return credentials.createInsecure();
  return credentials.createSsl(options.caFile ? readFileSync(options.caFile) : null);
}

export class StigmerClient {
  private readonly client: InstanceType<typeof WorkflowRunnerCommandControllerClient>;

  constructor(private readonly options: StigmerClientOptions) {
    this.client = new WorkflowRunnerCommandControllerClient(options.endpoint, channelCredentials(options), {
      // Reconnect promptly after the receiver restarts; the retry loop paces the calls themselves.
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 5000,
    });
  }

  /** One report_progress call under the configured deadline. */
  reportProgress(event: WorkflowProgressEvent): Promise<void> {
    const metadata = new Metadata();
    if (this.options.apiKey) metadata.set('authorization', `Bearer ${this.options.apiKey}`);
    const deadline = new Date(Date.now() + this.options.callTimeoutMs);
    return new Promise((resolve, reject) => {
      this.client.reportProgress(toWireEvent(event), metadata, { deadline }, (err) => (err ? reject(err) : resolve()));
    });
  }

  isChannelReady(): boolean {
    return this.client.getChannel().getConnectivityState(false) === connectivityState.READY;
  }

  close(): void {
    this.client.close();
  }
}
