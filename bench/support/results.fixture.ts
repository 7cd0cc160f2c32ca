/** Measured rounds for the specs of the bench's results and tables. */
import type { MeasuredRound } from './rounds';

/** A round of `completed` executions over `elapsedMs`, with the worker's and the server's CPU in it. */
export function measuredRound(completed: number, elapsedMs: number, cpuMs: number, serverCpuMs = 0): MeasuredRound {
  const latencies = Array.from({ length: completed }, (_, i) => 100 + i);
  return {
    completed,
    failed: 0,
    elapsedMs,
    throughput: completed / (elapsedMs / 1000),
    p50Ms: 0,
    p95Ms: 0,
    latencies,
    cpuMs,
    peakRssMb: 100,
    peakHeapMb: 50,
    serverCpuMs,
  };
}

// 50 executions a round: DSL at 10, 20 and 9 wf/s; hand-written at 10, 25 and 10 wf/s. Paired: 1, 0.8, 0.9.
export const dslRounds = [
  measuredRound(50, 5000, 500, 1000),
  measuredRound(50, 2500, 1000, 3000),
  measuredRound(50, 5556, 600),
];
export const handRounds = [measuredRound(50, 5000, 250), measuredRound(50, 2000, 500), measuredRound(50, 5000, 600)];
