/**
 * Load generation and measurement: a fixed number of executions with a bounded number in flight,
 * end-to-end latency per execution (start request to result), and the process's CPU time and peak memory
 * over the phase.
 */
import { readFileSync } from 'node:fs';

export interface LoadResult {
  completed: number;
  failed: number;
  elapsedMs: number;
  /** Completed workflows per second. */
  throughput: number;
  p50Ms: number;
  p95Ms: number;
  /** End-to-end latency of each completed execution, ascending. */
  latencies: number[];
  firstError?: string;
}

export interface ResourceUsage {
  /** User + system CPU time of the process over the phase. */
  cpuMs: number;
  peakRssMb: number;
  peakHeapMb: number;
}

/** Runs `count` executions, at most `concurrency` at a time; `execute(i)` resolves when execution i ends. */
export async function runLoad(
  count: number,
  concurrency: number,
  execute: (index: number) => Promise<unknown>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      try {
        await execute(index);
        latencies.push(performance.now() - t0);
      } catch (e) {
        failed += 1;
        firstError ??= e instanceof Error ? `${e.message}${causeOf(e)}` : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  const elapsedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    completed: latencies.length,
    failed,
    elapsedMs,
    throughput: latencies.length / (elapsedMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    latencies,
    firstError,
  };
}

/** Several measured phases of one variant as one: throughput over their summed time, latencies pooled. */
export function mergeLoads(loads: ReadonlyArray<LoadResult & ResourceUsage>): LoadResult & ResourceUsage {
  const latencies = loads.flatMap((l) => l.latencies).sort((a, b) => a - b);
  const elapsedMs = loads.reduce((sum, l) => sum + l.elapsedMs, 0);
  return {
    completed: latencies.length,
    failed: loads.reduce((sum, l) => sum + l.failed, 0),
    elapsedMs,
    throughput: latencies.length / (elapsedMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    latencies,
    firstError: loads.find((l) => l.firstError !== undefined)?.firstError,
    cpuMs: loads.reduce((sum, l) => sum + l.cpuMs, 0),
    peakRssMb: Math.max(...loads.map((l) => l.peakRssMb)),
    peakHeapMb: Math.max(...loads.map((l) => l.peakHeapMb)),
  };
}

function causeOf(e: Error): string {
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (cause: ${cause.message}${causeOf(cause)})` : '';
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** Samples RSS and heap every `intervalMs` and measures CPU time between start and stop. */
export class ResourceSampler {
  private readonly cpuStart = process.cpuUsage();
  private peakRss = 0;
  private peakHeap = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 50) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): ResourceUsage {
    clearInterval(this.timer);
    this.sample();
    const cpu = process.cpuUsage(this.cpuStart);
    return {
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: this.peakRss / 2 ** 20,
      peakHeapMb: this.peakHeap / 2 ** 20,
    };
  }

  private sample(): void {
    const m = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeap = Math.max(this.peakHeap, m.heapUsed);
  }
}

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** CPU time and peak RSS of another process (the peer's worker, the dev server), from /proc. */
export class ProcSampler {
  private cpuStart: number;
  private peakRss = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.cpuStart = this.cpuMs();
    this.sample();
    this.timer = setInterval(() => this.sample(), 50);
    this.timer.unref();
  }

  read(reset: boolean): ResourceUsage {
    this.sample();
    const now = this.cpuMs();
    const usage = { cpuMs: now - this.cpuStart, peakRssMb: this.peakRss / 2 ** 20, peakHeapMb: NaN };
    if (reset) {
      this.cpuStart = now;
      this.peakRss = 0;
    }
    return usage;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private cpuMs(): number {
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    } catch {
      return 0;
    }
  }

  private sample(): void {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      this.peakRss = Math.max(this.peakRss, kb * 1024);
    } catch {
      // The process has exited.
    }
  }
}

/** Measures `load` and the resources used while it runs. */
export async function measure(load: () => Promise<LoadResult>): Promise<LoadResult & ResourceUsage> {
  global.gc?.();
  const sampler = new ResourceSampler();
  const result = await load();
  return { ...result, ...sampler.stop() };
}
