/** DI tokens of the health feature. */

/** What readiness needs from the Temporal side (implemented by TemporalService). */
export const TEMPORAL_PROBE = Symbol('TEMPORAL_PROBE');
/** What the callback report needs from the progress delivery (implemented by DeliveryService). */
export const CALLBACK_PROBE = Symbol('CALLBACK_PROBE');

export interface TemporalProbe {
  /** Resolves when a real RPC to the Temporal frontend succeeds within `deadlineMs`; rejects otherwise. */
  checkConnection(deadlineMs: number): Promise<void>;
  isWorkerRunning(): boolean;
}

export interface CallbackProbe {
  state(): {
    endpoint: string;
    connected: boolean;
    lastSuccessAt?: string;
    lastError?: string;
    queued: number;
    waiting?: number;
    waitingExecutions?: number;
    oldestWaitingSeconds?: number;
    recovering?: number;
  };
}
