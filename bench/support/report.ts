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
  /** The dev server's CPU time per execution (the same server serves every variant). */
  serverCpuMsPerExecution: number;
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
  /** The peer (Zigflow) on the same workflow; `outputsMatch` compares its output with the DSL variant's. */
  peer?: VariantResult & { name: 'zigflow'; outputsMatch: boolean };
  /** DSL throughput / peer throughput. */
  peerRatio?: number;
  /** DSL worker CPU per execution / peer worker CPU per execution. */
  peerCpuRatio?: number;
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

export function variantResult(
  load: LoadResult,
  usage: ResourceUsage,
  historyEvents: number,
  serverCpuMs: number,
): VariantResult {
  return {
    throughput: round(load.throughput, 2),
    p50Ms: round(load.p50Ms, 1),
    p95Ms: round(load.p95Ms, 1),
    historyEvents,
    executions: load.completed,
    failed: load.failed,
    workerCpuMsPerExecution: round(usage.cpuMs / Math.max(1, load.completed), 2),
    serverCpuMsPerExecution: round(serverCpuMs / Math.max(1, load.completed), 2),
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
    'server CPU ms/wf',
    'peak RSS MB',
    'peak heap MB',
  ];
  const rows: string[][] = [];
  for (const w of results.workflows) {
    const variants: Array<[string, VariantResult]> = [
      ['DSL', w.dsl],
      ['hand-written', w.handWritten],
    ];
    if (w.peer) variants.push(['Zigflow', w.peer]);
    for (const [variant, v] of variants) {
      rows.push([
        w.name,
        variant,
        String(v.throughput),
        String(v.p50Ms),
        String(v.p95Ms),
        String(v.historyEvents),
        String(v.workerCpuMsPerExecution),
        String(v.serverCpuMsPerExecution),
        String(v.workerPeakRssMb),
        Number.isFinite(v.workerPeakHeapMb) ? String(v.workerPeakHeapMb) : '-',
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
      '',
      w.outputsMatch ? 'outputs equal' : 'OUTPUTS DIFFER',
    ]);
    if (w.peer) {
      rows.push([
        w.name,
        'ratio DSL/Zigflow',
        String(w.peerRatio),
        '',
        '',
        String(round(w.dsl.historyEvents / w.peer.historyEvents, 3)),
        String(w.peerCpuRatio),
        '',
        '',
        w.peer.outputsMatch ? 'outputs equal' : 'OUTPUTS DIFFER',
      ]);
    }
  }
  return markdown(header, rows);
}

function markdown(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * The headline table: the runner against Zigflow (throughput, worker CPU per run, peak worker RSS at the
 * bench's concurrency) and against hand-written TypeScript (throughput and history ratios), then the
 * workers' cold start.
 */
export function renderSummary(results: BenchResults): string {
  const header = [
    'workflow',
    'runner wf/s',
    'Zigflow wf/s',
    'ratio',
    'worker CPU ms/run (runner / Zigflow)',
    'server CPU ms/run (runner / Zigflow)',
    'peak worker RSS MB (runner / Zigflow)',
    'vs hand-written: throughput',
    'vs hand-written: history',
  ];
  // Failed executions do not count as throughput; the table says how many there were.
  const wfs = (v: VariantResult): string => `${v.throughput}${v.failed > 0 ? ` (${v.failed} failed)` : ''}`;
  const rows = results.workflows.map((w) => [
    w.name,
    wfs(w.dsl),
    w.peer ? wfs(w.peer) : '-',
    w.peerRatio !== undefined ? String(w.peerRatio) : '-',
    `${w.dsl.workerCpuMsPerExecution} / ${w.peer ? w.peer.workerCpuMsPerExecution : '-'}`,
    `${w.dsl.serverCpuMsPerExecution} / ${w.peer ? w.peer.serverCpuMsPerExecution : '-'}`,
    `${round(w.dsl.workerPeakRssMb, 0)} / ${w.peer ? round(w.peer.workerPeakRssMb, 0) : '-'}`,
    String(w.throughputRatio),
    String(w.historyRatio),
  ]);
  const lines = [markdown(header, rows)];
  const start = results.coldStart;
  if (start) {
    const r = start.runner;
    lines.push(
      '',
      `Worker cold start (process start to polling, prebuilt bundle): runner ${r.readyMs} ms ` +
        `(modules loaded ${r.modulesLoadedMs}, connected ${r.connectedMs}, worker created ${r.workerCreatedMs})` +
        (start.peerReadyMs !== undefined ? `; Zigflow ${start.peerReadyMs} ms` : ''),
    );
  }
  if (!results.workflows.some((w) => w.peer)) lines.push('', 'Zigflow: not run (no --peer-zigflow binary).');
  return lines.join('\n');
}
