/** The results file (bench/results/latest.json): each variant's figures, pooled and round by round, and the ratios. */
import { cpus, totalmem } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { mergeLoads } from './measure';
import {
  type MeasuredRound,
  median,
  pairedRatios,
  type PerRound,
  perRound,
  roundSample,
  type Spread,
  spread,
} from './rounds';

/**
 * One variant of a workflow. The top-level figures pool all its rounds (executions over their summed time,
 * latencies and CPU summed); `perRound` and `spread` show how much its rounds differed.
 */
export interface VariantResult {
  throughput: number;
  p50Ms: number;
  p95Ms: number;
  historyEvents: number;
  executions: number;
  failed: number;
  workerCpuMsPerExecution: number;
  /** The dev server's CPU time per execution (the same server serves every variant). */
  serverCpuMsPerExecution: number;
  workerPeakRssMb: number;
  workerPeakHeapMb: number;
  /** Each round's wf/s and worker and server CPU per execution, in round order. */
  perRound: PerRound;
  /** Min, median and max of `perRound`. */
  spread: { throughput: Spread; workerCpuMsPerExecution: Spread; serverCpuMsPerExecution: Spread };
}

export interface WorkflowResult {
  name: string;
  /** Measured rounds of the runner's two variants (variants taking turns within each). */
  rounds: number;
  /** The peer took part in the first `peerRounds` rounds only; its ratios use those rounds. */
  peerRounds?: number;
  dsl: VariantResult;
  handWritten: VariantResult;
  /** Median over the rounds of DSL wf/s / hand-written wf/s in the same round (`roundRatios.throughput`). */
  throughputRatio: number;
  /** DSL wf/s / hand-written wf/s, each pooled over all rounds. */
  pooledThroughputRatio: number;
  historyRatio: number;
  /** Median over the rounds of DSL worker CPU per execution / hand-written's in the same round. */
  cpuRatio: number;
  /** DSL worker CPU per execution / hand-written's, each pooled over all rounds. */
  pooledCpuRatio: number;
  /** The two variants returned equal outputs for the same input. */
  outputsMatch: boolean;
  /** The paired ratios, round by round: DSL over hand-written (`throughput`, `cpu`) and over the peer. */
  roundRatios: { throughput: number[]; cpu: number[]; peer?: number[]; peerCpu?: number[] };
  /** The peer (Zigflow) on the same workflow; `outputsMatch` compares its output with the DSL variant's. */
  peer?: VariantResult & { name: 'zigflow'; outputsMatch: boolean };
  /** Median over the peer's rounds of DSL wf/s / peer wf/s in the same round. */
  peerRatio?: number;
  /** DSL wf/s / peer wf/s, each pooled over the rounds the peer took part in. */
  pooledPeerRatio?: number;
  /** Median over the peer's rounds of DSL worker CPU per execution / the peer's in the same round. */
  peerCpuRatio?: number;
  /** DSL worker CPU per execution / the peer's, each pooled over the rounds the peer took part in. */
  pooledPeerCpuRatio?: number;
}

export interface BenchResults {
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string; date: string };
  settings: { concurrency: number; scale: number; serverConfig?: Record<string, unknown>; localCalls?: boolean };
  /**
   * Worker start-up, in milliseconds from process start: the runner's worker with the prebuilt bundle
   * (modules loaded, connected to Temporal, worker created, polling) and the peer's (readiness endpoint up).
   */
  coldStart?: {
    runner: { modulesLoadedMs: number; connectedMs: number; workerCreatedMs: number; readyMs: number };
    peerReadyMs?: number;
  };
  workflows: WorkflowResult[];
}

/** What the bench measured of one variant: its rounds (index r is round r), one history, one output. */
export interface MeasuredVariant {
  rounds: readonly MeasuredRound[];
  historyEvents: number;
  output: unknown;
}

export function variantResult(rounds: readonly MeasuredRound[], historyEvents: number): VariantResult {
  const load = mergeLoads(rounds);
  const completed = Math.max(1, load.completed);
  const serverCpuMs = rounds.reduce((sum, r) => sum + r.serverCpuMs, 0);
  const each = perRound(rounds.map(roundSample));
  const rounded = (values: number[]): number[] => values.map((v) => round(v, 2));
  const spreadOf = (values: number[]): Spread => {
    const s = spread(values);
    return { min: round(s.min, 2), median: round(s.median, 2), max: round(s.max, 2) };
  };
  return {
    throughput: round(load.throughput, 2),
    p50Ms: round(load.p50Ms, 1),
    p95Ms: round(load.p95Ms, 1),
    historyEvents,
    executions: load.completed,
    failed: load.failed,
    workerCpuMsPerExecution: round(load.cpuMs / completed, 2),
    serverCpuMsPerExecution: round(serverCpuMs / completed, 2),
    workerPeakRssMb: round(load.peakRssMb, 1),
    workerPeakHeapMb: round(load.peakHeapMb, 1),
    perRound: {
      throughput: rounded(each.throughput),
      workerCpuMsPerExecution: rounded(each.workerCpuMsPerExecution),
      serverCpuMsPerExecution: rounded(each.serverCpuMsPerExecution),
    },
    spread: {
      throughput: spreadOf(each.throughput),
      workerCpuMsPerExecution: spreadOf(each.workerCpuMsPerExecution),
      serverCpuMsPerExecution: spreadOf(each.serverCpuMsPerExecution),
    },
  };
}

interface Comparison {
  throughput: number[];
  cpu: number[];
  medianThroughput: number;
  medianCpu: number;
  pooledThroughput: number;
  pooledCpu: number;
}

/**
 * The DSL against another variant: paired ratios of the rounds both ran (the other may have joined only the
 * first ones), their medians, and the ratios of the two variants' figures pooled over those same rounds.
 */
export function compareRounds(dsl: readonly MeasuredRound[], other: readonly MeasuredRound[]): Comparison {
  const a = dsl.slice(0, other.length).map(roundSample);
  const b = other.slice(0, dsl.length).map(roundSample);
  const throughput = pairedRatios(
    a.map((s) => s.throughput),
    b.map((s) => s.throughput),
  );
  const cpu = pairedRatios(
    a.map((s) => s.workerCpuMsPerExecution),
    b.map((s) => s.workerCpuMsPerExecution),
  );
  const pooledA = mergeLoads(dsl.slice(0, b.length));
  const pooledB = mergeLoads(other.slice(0, a.length));
  const cpuPerRun = (l: { cpuMs: number; completed: number }): number => l.cpuMs / Math.max(1, l.completed);
  return {
    throughput: throughput.map((r) => round(r, 3)),
    cpu: cpu.map((r) => round(r, 3)),
    medianThroughput: round(median(throughput), 3),
    medianCpu: round(median(cpu), 3),
    pooledThroughput: round(pooledA.throughput / pooledB.throughput, 3),
    pooledCpu: round(cpuPerRun(pooledA) / cpuPerRun(pooledB), 3),
  };
}

/** One workflow's results: each variant's figures and the DSL's ratios to the others. */
export function workflowResult(
  name: string,
  hand: MeasuredVariant,
  dsl: MeasuredVariant,
  peer?: MeasuredVariant,
): WorkflowResult {
  const dslResult = variantResult(dsl.rounds, dsl.historyEvents);
  const handResult = variantResult(hand.rounds, hand.historyEvents);
  const vsHand = compareRounds(dsl.rounds, hand.rounds);
  const result: WorkflowResult = {
    name,
    rounds: dsl.rounds.length,
    dsl: dslResult,
    handWritten: handResult,
    throughputRatio: vsHand.medianThroughput,
    pooledThroughputRatio: vsHand.pooledThroughput,
    historyRatio: round(dsl.historyEvents / hand.historyEvents, 3),
    cpuRatio: vsHand.medianCpu,
    pooledCpuRatio: vsHand.pooledCpu,
    outputsMatch: isDeepStrictEqual(dsl.output, hand.output),
    roundRatios: { throughput: vsHand.throughput, cpu: vsHand.cpu },
  };
  if (peer) {
    const vsPeer = compareRounds(dsl.rounds, peer.rounds);
    result.peerRounds = peer.rounds.length;
    const peerResult = variantResult(peer.rounds, peer.historyEvents);
    result.peer = { name: 'zigflow', ...peerResult, outputsMatch: isDeepStrictEqual(peer.output, dsl.output) };
    result.peerRatio = vsPeer.medianThroughput;
    result.pooledPeerRatio = vsPeer.pooledThroughput;
    result.peerCpuRatio = vsPeer.medianCpu;
    result.pooledPeerCpuRatio = vsPeer.pooledCpu;
    result.roundRatios.peer = vsPeer.throughput;
    result.roundRatios.peerCpu = vsPeer.cpu;
  }
  return result;
}

export function machine(): BenchResults['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
