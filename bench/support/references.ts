/**
 * The three reference workflows: each as DSL YAML run through the runner's workflow type, and as the
 * equivalent hand-written Temporal workflow, with the executions and rounds a run measures by default.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface ReferenceWorkflow {
  name: string;
  yamlFile: string;
  handWrittenType: string;
  /** Executions measured per variant and round at scale 1 (at most `--concurrency` of them in flight). */
  count: number;
  /**
   * Measured rounds of the runner's two variants; within each the variants run one after the other, each
   * round starting one further along, and the ratios pair the variants' figures of the same round.
   */
  rounds: number;
  /**
   * The peer runs in the first `peerRounds` rounds only (capped at `rounds`), where it is slow enough that a
   * round of it takes minutes; its ratios pair those rounds only.
   */
  peerRounds: number;
  /** Executions run before measuring (bundle load, JIT, caches). */
  warmup: number;
  dslInput(baseUrl: string): Record<string, unknown>;
  handWrittenInput(baseUrl: string): Record<string, unknown>;
  peer: PeerReference;
}

/** The same workflow for the peer (Zigflow): its YAML under bench/zigflow/ and how to compare its output. */
export interface PeerReference {
  file: string;
  workflowType: string;
  /**
   * Executions measured per round (in turn with the runner's two variants, in the rounds it joins). Smaller
   * than `count` where Zigflow is several times slower, to keep the whole run short.
   */
  count: number;
  input(): Record<string, unknown>;
  /** The peer's output in the runner's shape, where the dialects differ (a fork's branches). */
  normalize(output: unknown): unknown;
}

const items = Array.from({ length: 100 }, (_, i) => i);

export const REFERENCE_WORKFLOWS: readonly ReferenceWorkflow[] = [
  {
    name: 'pure-data',
    yamlFile: 'pure-data.yaml',
    handWrittenType: 'benchPureData',
    count: 150,
    // Short runs (about 3 s per round): more rounds average out the machine's moment-to-moment noise.
    rounds: 8,
    peerRounds: 8,
    warmup: 10,
    dslInput: () => ({ counter: 0, total: 0, history: [] }),
    handWrittenInput: () => ({ counter: 0, total: 0, history: [] }),
    peer: {
      file: 'pure-data.yaml',
      workflowType: 'pure-data',
      count: 50,
      input: () => ({ counter: 0, total: 0, history: [] }),
      normalize: (output) => output,
    },
  },
  {
    name: 'http-sequence',
    yamlFile: 'http-sequence.yaml',
    handWrittenType: 'benchHttpSequence',
    // Rounds of 100 (about 8 s each, two waves of 50 in flight, so ramp-up and tail are not half of a round):
    // eight paired samples for the median, and a larger warm-up, since the worker's CPU per run falls over its
    // first few hundred activities.
    count: 100,
    rounds: 8,
    peerRounds: 8,
    warmup: 30,
    dslInput: () => ({}),
    handWrittenInput: (baseUrl) => ({ baseUrl }),
    peer: {
      file: 'http-sequence.yaml',
      workflowType: 'http-sequence',
      count: 100,
      input: () => ({}),
      normalize: (o) => o,
    },
  },
  {
    name: 'for-try-fork',
    yamlFile: 'for-try-fork.yaml',
    handWrittenType: 'benchForTryFork',
    // 100 sequential calls each: 50 executions, all in flight at once (about a minute per variant and round on
    // 2 vCPUs). Zigflow takes about five minutes for a round of 50, so it joins the first round only.
    count: 50,
    rounds: 3,
    peerRounds: 1,
    warmup: 3,
    dslInput: () => ({ items }),
    handWrittenInput: (baseUrl) => ({ baseUrl, items }),
    peer: {
      file: 'for-try-fork.yaml',
      workflowType: 'for-try-fork',
      count: 50,
      input: () => ({ items }),
      // Zigflow's fork returns its branches' outputs by branch name (Go sorts map keys: left, right).
      normalize: (output) => (output && typeof output === 'object' ? Object.values(output) : output),
    },
  },
];

/** The workflow YAML with the local server's address filled in. */
export function workflowYaml(reference: ReferenceWorkflow, baseUrl: string): string {
  const text = readFileSync(resolve(__dirname, '..', 'workflows', reference.yamlFile), 'utf8');
  return text.replace(/\{\{BASE_URL\}\}/g, baseUrl);
}
