import { rangeCell, renderSummary, renderTable } from './report';
import { type BenchResults, workflowResult } from './results';
import { dslRounds, handRounds, measuredRound } from './results.fixture';

const sample = (rounds = dslRounds, output: unknown = [1]) => ({ rounds, historyEvents: 65, output });

function results(withPeer: boolean): BenchResults {
  const peer = withPeer ? sample([measuredRound(50, 10000, 2500)]) : undefined;
  return {
    machine: { cpus: 2, cpuModel: 'cpu', memoryGb: 1, node: 'v20', platform: 'linux-x64', date: '2026-12-04' },
    settings: { concurrency: 50, scale: 1 },
    workflows: [workflowResult('for-try-fork', sample(handRounds), sample(dslRounds), peer)],
  };
}

const lineOf = (text: string, start: string): string | undefined =>
  text.split('\n').find((line) => line.startsWith(start));

describe('rangeCell', () => {
  it('shows the median with the min–max of the rounds', () => {
    expect(rangeCell([12.14, 10.8, 13.9], 1)).toBe('12.1 (10.8–13.9)');
  });

  it('shows one value alone for one round or no spread at the shown precision', () => {
    expect(rangeCell([5], 2)).toBe('5');
    expect(rangeCell([1.001, 1.002], 2)).toBe('1');
    expect(rangeCell([], 2)).toBe('-');
  });
});

describe('renderSummary', () => {
  it('shows median paired ratios and each variant’s round spread', () => {
    const text = renderSummary(results(true));
    expect(lineOf(text, '| for-try-fork |')).toBe(
      '| for-try-fork | 3 / 1 | 10 (9–20) | 5 | 2 | 12 / 50 | 20 / 0 | 100 / 100 | 0.9 (0.8–1) | 1 |',
    );
    expect(text).toContain('ratios above are the medians');
  });

  it('says when the peer joined the first rounds only', () => {
    expect(renderSummary(results(true))).toContain(
      'for-try-fork: Zigflow ran in the first 1 of 3 rounds; its ratios pair that round only.',
    );
  });

  it('marks the peer column as not run without a peer', () => {
    const text = renderSummary(results(false));
    expect(lineOf(text, '| for-try-fork |')).toBe(
      '| for-try-fork | 3 / - | 10 (9–20) | - | - | 12 / - | 20 / - | 100 / - | 0.9 (0.8–1) | 1 |',
    );
    expect(text).toContain('Zigflow: not run');
    expect(text).not.toContain('Zigflow ran in the first');
  });
});

describe('renderTable', () => {
  const text = renderTable(results(true));

  it('shows each variant pooled and per round', () => {
    expect(lineOf(text, '| for-try-fork | DSL |')).toBe(
      '| for-try-fork | DSL | 3 | 11.49 | 10 (9–20) | 124 | 147 | 65 | 14 | 12 (10–20) | 20 (0–60) | 100 | 50 |',
    );
    expect(lineOf(text, '| for-try-fork | Zigflow |')).toBe(
      '| for-try-fork | Zigflow | 1 | 5 | 5 | 124 | 147 | 65 | 50 | 50 | 0 | 100 | 50 |',
    );
  });

  it('shows the ratios pooled and as the median and range of paired rounds', () => {
    expect(lineOf(text, '| for-try-fork | ratio DSL/hand |')).toBe(
      '| for-try-fork | ratio DSL/hand | 3 | 0.919 | 0.9 (0.8–1) |  |  | 1 | 1.556 | 2 (1–2) |  |  | outputs equal |',
    );
    expect(lineOf(text, '| for-try-fork | ratio DSL/Zigflow |')).toBe(
      '| for-try-fork | ratio DSL/Zigflow | 1 | 2 | 2 |  |  | 1 | 0.2 | 0.2 |  |  | outputs equal |',
    );
  });
});
