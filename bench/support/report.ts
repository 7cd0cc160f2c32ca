/** The tables printed at the end of a run and written to bench/results/latest.md. */
import { type BenchResults, round, type VariantResult, type WorkflowResult } from './results';
import { spread } from './rounds';

/** "median (min–max)" of per-round figures, or the value alone when there is one round (or no spread). */
export function rangeCell(values: readonly number[], digits: number): string {
  if (values.length === 0) return '-';
  const s = spread(values);
  const f = (v: number): string => String(round(v, digits));
  return f(s.min) === f(s.max) ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/** A Markdown table (also readable as plain text in a terminal). */
function markdown(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function variants(w: WorkflowResult): Array<[string, VariantResult]> {
  const list: Array<[string, VariantResult]> = [
    ['DSL', w.dsl],
    ['hand-written', w.handWritten],
  ];
  if (w.peer) list.push(['Zigflow', w.peer]);
  return list;
}

/**
 * Every variant's figures: pooled over its rounds and, beside them, the median and range of its rounds;
 * then the ratio rows (pooled, and the median and range of the paired per-round ratios).
 */
export function renderTable(results: BenchResults): string {
  const header = [
    'workflow',
    'variant',
    'rounds',
    'wf/s pooled',
    'wf/s per round: median (min–max)',
    'p50 ms',
    'p95 ms',
    'history events',
    'worker CPU ms/wf pooled',
    'worker CPU ms/wf per round: median (min–max)',
    'server CPU ms/wf per round: median (min–max)',
    'peak RSS MB',
    'peak heap MB',
  ];
  const rows: string[][] = [];
  for (const w of results.workflows) {
    for (const [variant, v] of variants(w)) {
      rows.push([
        w.name,
        variant,
        String(v.perRound.throughput.length),
        String(v.throughput),
        rangeCell(v.perRound.throughput, 2),
        String(v.p50Ms),
        String(v.p95Ms),
        String(v.historyEvents),
        String(v.workerCpuMsPerExecution),
        rangeCell(v.perRound.workerCpuMsPerExecution, 1),
        rangeCell(v.perRound.serverCpuMsPerExecution, 1),
        String(v.workerPeakRssMb),
        Number.isFinite(v.workerPeakHeapMb) ? String(v.workerPeakHeapMb) : '-',
      ]);
    }
    rows.push(
      ratioRow(w.name, 'ratio DSL/hand', {
        pooled: w.pooledThroughputRatio,
        perRound: w.roundRatios.throughput,
        history: w.historyRatio,
        pooledCpu: w.pooledCpuRatio,
        perRoundCpu: w.roundRatios.cpu,
        outputsMatch: w.outputsMatch,
      }),
    );
    if (w.peer) {
      rows.push(
        ratioRow(w.name, 'ratio DSL/Zigflow', {
          pooled: w.pooledPeerRatio,
          perRound: w.roundRatios.peer ?? [],
          history: round(w.dsl.historyEvents / w.peer.historyEvents, 3),
          pooledCpu: w.pooledPeerCpuRatio,
          perRoundCpu: w.roundRatios.peerCpu ?? [],
          outputsMatch: w.peer.outputsMatch,
        }),
      );
    }
  }
  return markdown(header, rows);
}

function ratioRow(
  workflow: string,
  label: string,
  r: {
    pooled?: number;
    perRound: number[];
    history: number;
    pooledCpu?: number;
    perRoundCpu: number[];
    outputsMatch: boolean;
  },
): string[] {
  return [
    workflow,
    label,
    String(r.perRound.length),
    String(r.pooled ?? '-'),
    rangeCell(r.perRound, 3),
    '',
    '',
    String(r.history),
    String(r.pooledCpu ?? '-'),
    rangeCell(r.perRoundCpu, 3),
    '',
    '',
    r.outputsMatch ? 'outputs equal' : 'OUTPUTS DIFFER',
  ];
}

/**
 * The headline table: the runner against Zigflow (throughput, worker and server CPU per run, peak worker
 * RSS at the bench's concurrency) and against hand-written TypeScript (throughput and history ratios), then
 * how the figures were formed and the workers' cold start.
 */
export function renderSummary(results: BenchResults): string {
  const header = [
    'workflow',
    'rounds (runner / Zigflow)',
    'runner wf/s: median of rounds (min–max)',
    'Zigflow wf/s: median of rounds (min–max)',
    'ratio to Zigflow: median of paired rounds (min–max)',
    'worker CPU ms/run, median of rounds (runner / Zigflow)',
    'server CPU ms/run, median of rounds (runner / Zigflow)',
    'peak worker RSS MB (runner / Zigflow)',
    'vs hand-written: throughput, median of paired rounds (min–max)',
    'vs hand-written: history',
  ];
  // Failed executions do not count as throughput; the table says how many there were.
  const wfs = (v: VariantResult): string =>
    `${rangeCell(v.perRound.throughput, 2)}${v.failed > 0 ? ` (${v.failed} failed)` : ''}`;
  const medianOf = (v: VariantResult | undefined, key: 'workerCpuMsPerExecution' | 'serverCpuMsPerExecution') =>
    v ? String(round(v.spread[key].median, 1)) : '-';
  const rows = results.workflows.map((w) => [
    w.name,
    `${w.rounds} / ${w.peer ? w.peerRounds : '-'}`,
    wfs(w.dsl),
    w.peer ? wfs(w.peer) : '-',
    w.roundRatios.peer ? rangeCell(w.roundRatios.peer, 3) : '-',
    `${medianOf(w.dsl, 'workerCpuMsPerExecution')} / ${medianOf(w.peer, 'workerCpuMsPerExecution')}`,
    `${medianOf(w.dsl, 'serverCpuMsPerExecution')} / ${medianOf(w.peer, 'serverCpuMsPerExecution')}`,
    `${round(w.dsl.workerPeakRssMb, 0)} / ${w.peer ? round(w.peer.workerPeakRssMb, 0) : '-'}`,
    rangeCell(w.roundRatios.throughput, 3),
    String(w.historyRatio),
  ]);
  const lines = [
    markdown(header, rows),
    '',
    "Each round runs the variants one after the other; a paired ratio is the DSL's wf/s over the other " +
      "variant's in the same round, and the ratios above are the medians of those (pooled figures: the table below).",
    ...peerRoundNotes(results.workflows),
  ];
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
  if (!results.workflows.some((w) => w.peer))
    lines.push('', 'Zigflow: not run (no --peer-zigflow binary, or --peer-rounds 0).');
  return lines.join('\n');
}

/** Where the peer joined only the first rounds, its ratios pair those rounds only: say so. */
function peerRoundNotes(workflows: readonly WorkflowResult[]): string[] {
  return workflows
    .filter((w) => w.peer && w.peerRounds !== undefined && w.peerRounds < w.rounds)
    .map(
      (w) =>
        `${w.name}: Zigflow ran in the first ${w.peerRounds} of ${w.rounds} rounds; ` +
        `its ratios pair ${w.peerRounds === 1 ? 'that round' : 'those rounds'} only.`,
    );
}
