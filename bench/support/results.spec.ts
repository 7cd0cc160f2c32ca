import { compareRounds, variantResult, workflowResult } from './results';
import { dslRounds, handRounds, measuredRound } from './results.fixture';
import type { MeasuredRound } from './rounds';

describe('compareRounds', () => {
  it('takes the median of the per-round ratios and keeps the pooled ratio', () => {
    const c = compareRounds(dslRounds, handRounds);
    expect(c.throughput).toEqual([1, 0.8, 0.9]);
    expect(c.medianThroughput).toBe(0.9);
    // Pooled: 150 runs in 13.056 s against 150 runs in 12 s.
    expect(c.pooledThroughput).toBe(0.919);
    // Worker CPU per run: 10/5, 20/10, 12/12.
    expect(c.cpu).toEqual([2, 2, 1]);
    expect(c.medianCpu).toBe(2);
    expect(c.pooledCpu).toBe(1.556);
  });

  it('pairs only the rounds the other variant ran, pooled ratios included', () => {
    const c = compareRounds(dslRounds, [measuredRound(50, 10000, 2500)]);
    expect(c.throughput).toEqual([2]);
    expect(c.medianThroughput).toBe(2);
    expect(c.pooledThroughput).toBe(2);
    expect(c.pooledCpu).toBe(0.2);
  });
});

describe('variantResult', () => {
  it('pools the rounds and records each round and their spread', () => {
    const v = variantResult(dslRounds, 65);
    expect(v.throughput).toBe(11.49);
    expect(v.executions).toBe(150);
    expect(v.workerCpuMsPerExecution).toBe(14);
    expect(v.serverCpuMsPerExecution).toBe(26.67);
    expect(v.perRound).toEqual({
      throughput: [10, 20, 9],
      workerCpuMsPerExecution: [10, 20, 12],
      serverCpuMsPerExecution: [20, 60, 0],
    });
    expect(v.spread.throughput).toEqual({ min: 9, median: 10, max: 20 });
    expect(v.spread.workerCpuMsPerExecution).toEqual({ min: 10, median: 12, max: 20 });
    expect(v.spread.serverCpuMsPerExecution).toEqual({ min: 0, median: 20, max: 60 });
  });
});

describe('workflowResult', () => {
  const sample = (rounds: MeasuredRound[], output: unknown) => ({ rounds, historyEvents: 65, output });

  it('reports median paired ratios as the headline and the pooled ones beside them', () => {
    const w = workflowResult('http-sequence', sample(handRounds, { a: 1 }), sample(dslRounds, { a: 1 }));
    expect(w).toMatchObject({
      rounds: 3,
      throughputRatio: 0.9,
      pooledThroughputRatio: 0.919,
      cpuRatio: 2,
      pooledCpuRatio: 1.556,
      historyRatio: 1,
      outputsMatch: true,
      roundRatios: { throughput: [1, 0.8, 0.9], cpu: [2, 2, 1] },
    });
    expect(w.peer).toBeUndefined();
    expect(w.peerRounds).toBeUndefined();
  });

  it('compares the peer over the rounds it joined only', () => {
    const peer = sample([measuredRound(50, 10000, 2500)], { a: 2 });
    const w = workflowResult('for-try-fork', sample(handRounds, { a: 1 }), sample(dslRounds, { a: 1 }), peer);
    expect(w.peerRounds).toBe(1);
    expect(w.roundRatios.peer).toEqual([2]);
    expect(w.roundRatios.peerCpu).toEqual([0.2]);
    expect(w.peerRatio).toBe(2);
    expect(w.pooledPeerRatio).toBe(2);
    expect(w.peerCpuRatio).toBe(0.2);
    expect(w.pooledPeerCpuRatio).toBe(0.2);
    expect(w.peer).toMatchObject({ name: 'zigflow', throughput: 5, outputsMatch: false });
  });
});
