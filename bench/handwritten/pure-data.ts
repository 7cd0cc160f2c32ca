/**
 * Reference workflow 1 written by hand: the same ten blocks of set/switch/set/set as
 * bench/workflows/pure-data.yaml, computed directly in TypeScript (no interpretation, no progress).
 */
export interface PureDataState {
  counter: number;
  total: number;
  label?: string;
  history: number[];
  maxSeen?: number;
}

export async function benchPureData(input: PureDataState): Promise<PureDataState> {
  let s: PureDataState = { counter: input.counter, total: input.total, history: input.history };
  for (let k = 1; k <= 10; k++) {
    const next = s.counter + 1;
    s = { counter: next, total: s.total + next * k, label: `block-${k}`, history: [...s.history, next].slice(-5) };
    s =
      s.counter % 2 === 0 ? { ...s, label: `${s.label}-even` } : { ...s, total: s.total + 1, label: `${s.label}-odd` };
    s = { ...s, label: `${s.label}:${s.history.join(',')}`, maxSeen: Math.max(...s.history) };
  }
  return s;
}
