import { median, pairedRatios, perRound, roundSample, spread } from './rounds';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([13.9, 10.8, 12.1])).toBe(12.1);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('is NaN for no values and leaves its input unsorted', () => {
    const values = [3, 1, 2];
    expect(median([])).toBeNaN();
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('spread', () => {
  it('gives min, median and max', () => {
    expect(spread([12.1, 13.9, 10.8, 11])).toEqual({ min: 10.8, median: 11.55, max: 13.9 });
  });

  it('is NaN throughout for no rounds', () => {
    expect(spread([])).toEqual({ min: NaN, median: NaN, max: NaN });
  });
});

describe('pairedRatios', () => {
  it('divides round r by round r', () => {
    expect(pairedRatios([10, 20, 9], [10, 25, 10])).toEqual([1, 0.8, 0.9]);
  });

  it('pairs only the rounds both lists have (a variant that joined the first rounds only)', () => {
    expect(pairedRatios([10, 20, 9], [5])).toEqual([2]);
    expect(pairedRatios([6], [3, 100])).toEqual([2]);
  });

  it('leaves out a round where the other variant completed nothing', () => {
    expect(pairedRatios([10, 20, 9], [5, 0, 3])).toEqual([2, 3]);
  });
});

describe('roundSample', () => {
  it('gives CPU per completed execution, failed ones excluded', () => {
    const sample = roundSample({
      completed: 40,
      failed: 10,
      elapsedMs: 4000,
      throughput: 10,
      p50Ms: 1,
      p95Ms: 2,
      latencies: [],
      cpuMs: 2000,
      peakRssMb: 1,
      peakHeapMb: 1,
      serverCpuMs: 4000,
    });
    expect(sample).toEqual({ throughput: 10, workerCpuMsPerExecution: 50, serverCpuMsPerExecution: 100 });
    expect(perRound([sample, { ...sample, throughput: 12 }])).toEqual({
      throughput: [10, 12],
      workerCpuMsPerExecution: [50, 50],
      serverCpuMsPerExecution: [100, 100],
    });
  });
});
