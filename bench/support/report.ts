/** The results file (bench/results/latest.json) and the table printed at the end of a run. */
import { cpus, totalmem } from 'node:os';
import type { LoadResult, ResourceUsage } from './measure';

export interface VariantResult {
  throughput: number;
  p50Ms: number;
  p95Ms: number;
  historyEvents: number;
  executions: number;
  failed: number;
  workerCpuMsPerExecution: number;
  workerPeakRssMb: number;
  workerPeakHeapMb: number;
}

export interface WorkflowResult {
  name: string;
  /** Measured rounds (variants alternating); each variant's numbers pool all of them. */
  rounds: number;
  dsl: VariantResult;
  handWritten: VariantResult;
  throughputRatio: number;
  historyRatio: number;
  cpuRatio: number;
  /** The two variants returned equal outputs for the same input. */
  outputsMatch: boolean;
}

export interface BenchResults {
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string; date: string };
  settings: { concurrency: number; scale: number };
  workflows: WorkflowResult[];
}

export function variantResult(load: LoadResult, usage: ResourceUsage, historyEvents: number): VariantResult {
  return {
    throughput: round(load.throughput, 2),
    p50Ms: round(load.p50Ms, 1),
    p95Ms: round(load.p95Ms, 1),
    historyEvents,
    executions: load.completed,
    failed: load.failed,
    workerCpuMsPerExecution: round(usage.cpuMs / Math.max(1, load.completed), 2),
    workerPeakRssMb: round(usage.peakRssMb, 1),
    workerPeakHeapMb: round(usage.peakHeapMb, 1),
  };
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

/** A Markdown table (also readable as plain text in a terminal). */
export function renderTable(results: BenchResults): string {
  const header = [
    'workflow',
    'variant',
    'wf/s',
    'p50 ms',
    'p95 ms',
    'history events',
    'worker CPU ms/wf',
    'peak RSS MB',
    'peak heap MB',
  ];
  const rows: string[][] = [];
  for (const w of results.workflows) {
    for (const [variant, v] of [
      ['DSL', w.dsl],
      ['hand-written', w.handWritten],
    ] as const) {
      rows.push([
        w.name,
        variant,
        String(v.throughput),
        String(v.p50Ms),
        String(v.p95Ms),
        String(v.historyEvents),
        String(v.workerCpuMsPerExecution),
        String(v.workerPeakRssMb),
        String(v.workerPeakHeapMb),
      ]);
    }
    rows.push([
      w.name,
      'ratio DSL/hand',
      String(w.throughputRatio),
      '',
      '',
      String(w.historyRatio),
      String(w.cpuRatio),
      '',
      w.outputsMatch ? 'outputs equal' : 'OUTPUTS DIFFER',
    ]);
  }
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
