/**
 * Per-round statistics of the bench. On a shared machine the same variant's rounds differ by tens of percent
 * (the dev server's and the worker's CPU per run move between rounds, the worker's JIT warms up over the
 * first ones), so a ratio of two pooled figures moves with whichever variant caught the slow rounds. Within
 * one round the variants run back to back under about the same conditions: the ratio of their wf/s in that
 * round is a paired sample, and the median of those samples is the headline ratio.
 */
import type { LoadResult, ResourceUsage } from './measure';

/** One variant's figures in one measured round. */
export interface RoundSample {
  throughput: number;
  workerCpuMsPerExecution: number;
  serverCpuMsPerExecution: number;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** A variant's figures round by round, in round order. */
export interface PerRound {
  throughput: number[];
  workerCpuMsPerExecution: number[];
  serverCpuMsPerExecution: number[];
}

export type MeasuredRound = LoadResult & ResourceUsage & { serverCpuMs: number };

/** The median (the mean of the two middle values for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: NaN, median: NaN, max: NaN };
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** A round's throughput and CPU per completed execution (failed executions count for neither). */
export function roundSample(round: MeasuredRound): RoundSample {
  const completed = Math.max(1, round.completed);
  return {
    throughput: round.throughput,
    workerCpuMsPerExecution: round.cpuMs / completed,
    serverCpuMsPerExecution: round.serverCpuMs / completed,
  };
}

export function perRound(samples: readonly RoundSample[]): PerRound {
  return {
    throughput: samples.map((s) => s.throughput),
    workerCpuMsPerExecution: samples.map((s) => s.workerCpuMsPerExecution),
    serverCpuMsPerExecution: samples.map((s) => s.serverCpuMsPerExecution),
  };
}

/**
 * `numerator[r] / denominator[r]` for each round both took part in (index r is round r; a variant that
 * joined only the first rounds has a shorter list). A round where the denominator is not positive (the
 * other variant completed nothing) has no ratio and is left out.
 */
export function pairedRatios(numerator: readonly number[], denominator: readonly number[]): number[] {
  const ratios: number[] = [];
  for (let r = 0; r < Math.min(numerator.length, denominator.length); r += 1) {
    if (denominator[r] > 0 && Number.isFinite(numerator[r])) ratios.push(numerator[r] / denominator[r]);
  }
  return ratios;
}
