/**
 * The runtime corpus aimed at loops: documents that validate (every cycle has an exit the validator cannot
 * rule out) and then run pure-data work without end. Run with a low limit of tasks without a durable wait
 * ({@link RUNAWAY_LIMIT}), each names the exact task the runaway guard stops before; the cases that wait on
 * something durable inside their loop name the outcome they reach instead.
 */

/** The limit the corpus runs with (WORKFLOW_MAX_TASKS_WITHOUT_WAIT's start-input field). */
export const RUNAWAY_LIMIT = 2000;

export type RunawayOutcome =
  /** Stopped by the guard before the task at `instance` (a pointer, or a pattern where branches interleave). */
  | { readonly runaway: string | RegExp }
  /** Not a runaway: the run ends with this status and, when faulted, this error type. */
  | { readonly status: 'completed' | 'faulted'; readonly errorType?: string };

export interface RunawayCase {
  readonly id: string;
  readonly tasks: unknown[];
  readonly input?: Record<string, unknown>;
  /** Start-input limits other than the corpus default (the slice, a different task limit). */
  readonly limits?: { maxTasksWithoutWait?: number; sliceUnits?: number };
  readonly metadata?: Record<string, string>;
  readonly expect: RunawayOutcome;
}

// Never true, though the validator cannot know (`null < 0` holds in jq, hence the default).
const never = '${ (.n // 0) < 0 }';
const bump = { set: { n: '${ (.n // 0) + 1 }' } };
const again = (target: string) => ({ switch: [{ done: { when: never, then: 'end' } }, { again: { then: target } }] });
const huge = '${ [range(0; 1000000)] }';

/** Then cycles whose exit is a condition that never holds. */
const CYCLES: RunawayCase[] = [
  // Tasks alternate bump (odd) and route (even): task 2001 is bump.
  {
    id: 'switch/then cycle, exit never taken',
    tasks: [{ bump }, { route: again('bump') }],
    expect: { runaway: '/do/0/bump' },
  },
  {
    id: 'then cycle through an if that always holds',
    // Skipping b would continue past the end of the list: the exit the validator sees.
    tasks: [{ a: { set: { n: 1 }, then: 'b' } }, { b: { if: '${ (.n // 0) >= 0 }', set: { n: 2 }, then: 'a' } }],
    expect: { runaway: '/do/0/a' },
  },
  {
    id: 'self loop of a switch',
    tasks: [{ spin: { switch: [{ out: { when: never, then: 'end' } }, { stay: { then: 'spin' } }] } }],
    expect: { runaway: '/do/0/spin' },
  },
  {
    id: 'then cycle over three tasks with a raise that is never reached',
    tasks: [
      { a: bump },
      { b: { if: never, raise: { error: { type: 'https://example.com/stop', status: 400 } } } },
      { c: again('a') },
    ],
    // b is skipped each time (still a task run); 2001 = 3 × 667: task 2001 is c.
    expect: { runaway: '/do/2/c' },
  },
  {
    id: 'cycle of exit-free do tasks nested three deep',
    tasks: [{ a: { do: [{ b: { do: [{ c: { do: [{ d: bump }] } }] } }] } }, { route: again('a') }],
    // Five tasks per cycle (a, b, c, d, route): 2001 = 5 × 400 + 1 is a.
    expect: { runaway: '/do/0/a' },
  },
  {
    id: 'try that catches a raise, in a cycle',
    tasks: [
      { t: { try: [{ r: { raise: { error: { type: 'https://example.com/e', status: 400 } } } }], catch: {} } },
      { route: again('t') },
    ],
    // t, r, route: 2001 = 3 × 667 is route.
    expect: { runaway: '/do/1/route' },
  },
  {
    id: 'catch.do that loops back through then',
    tasks: [
      {
        t: {
          try: [{ r: { raise: { error: { type: 'https://example.com/e', status: 400 } } } }],
          catch: { do: [{ handled: bump }] },
        },
      },
      { route: again('t') },
    ],
    // t, r, handled, route: 2001 = 4 × 500 + 1 is t.
    expect: { runaway: '/do/0/t' },
  },
];

/** `for` loops over huge ranges and `while` conditions that never turn false. */
const LOOPS: RunawayCase[] = [
  // The loop task is task 1; iteration i (from 0) is task i + 2, so task 2001 is iteration 1999.
  {
    id: 'for over a million items',
    tasks: [{ loop: { for: { in: huge }, do: [{ step: bump }] } }],
    expect: { runaway: '/do/0/loop/do/0/step' },
  },
  {
    id: 'while that never turns false',
    tasks: [{ loop: { for: { in: huge }, while: '${ .n >= 0 }', do: [{ step: bump }] } }],
    input: { n: 0 },
    expect: { runaway: '/do/0/loop/do/0/step' },
  },
  {
    id: 'nested for loops',
    tasks: [
      {
        outer: {
          for: { each: 'i', in: '${ [range(0; 1000)] }' },
          do: [{ inner: { for: { each: 'j', in: '${ [range(0; 100)] }' }, do: [{ step: bump }] } }],
        },
      },
    ],
    // 1 + 101 per outer iteration: after 19 of them 1920 tasks ran; task 2001 is inner's 80th step.
    expect: { runaway: '/do/0/outer/do/0/inner/do/0/step' },
  },
  {
    id: 'for whose body is a switch cycle',
    tasks: [{ loop: { for: { in: huge }, do: [{ a: bump }, { b: again('a') }] } }],
    expect: { runaway: /^\/do\/0\/loop\/do\/[01]\/[ab]$/ },
  },
  {
    id: 'for over a million items inside a fork branch',
    tasks: [{ split: { fork: { branches: [{ one: { for: { in: huge }, do: [{ step: bump }] } }] } } }],
    expect: { runaway: '/do/0/split/fork/branches/0/one/do/0/step' },
  },
  {
    id: 'cycle inside a task with a timeout',
    tasks: [{ guarded: { timeout: { after: { minutes: 5 } }, do: [{ a: bump }, { b: again('a') }] } }],
    // guarded is task 1; then a (even), b (odd): task 2001 is b.
    expect: { runaway: '/do/0/guarded/do/1/b' },
  },
];

/** Retries: the guard's stop is not an error `try` can catch, so no retry or catch.do resumes the loop. */
const RETRIES: RunawayCase[] = [
  {
    id: 'try with retry and no delay around a huge loop',
    tasks: [
      {
        guarded: {
          try: [{ loop: { for: { in: huge }, do: [{ step: bump }] } }],
          catch: { retry: { delay: 'PT0S', limit: { attempt: { count: 1000 } } } },
        },
      },
    ],
    // guarded (1), loop (2), iterations from task 3: task 2001 is iteration 1998.
    expect: { runaway: '/do/0/guarded/try/0/loop/do/0/step' },
  },
  {
    id: 'catch-all try around a runaway cycle, itself in a cycle',
    tasks: [
      { t: { try: [{ inner: { do: [{ a: bump }, { b: again('a') }] } }], catch: { do: [{ again: bump }] } } },
      { route: again('t') },
    ],
    expect: { runaway: /^\/do\/0\/t\/try\/0\/inner\/do\/[01]\/[ab]$/ },
  },
  {
    // Every retry waits on a durable timer (the delay is at least 1 ms): the count starts afresh each time.
    id: 'retries without delay are not a runaway: each waits on a timer',
    tasks: [
      {
        guarded: {
          try: [{ r: { raise: { error: { type: 'https://example.com/flaky', status: 503 } } } }],
          catch: { retry: { delay: 'PT0S', limit: { attempt: { count: 3 } } } },
        },
      },
    ],
    // Without the timers' resets the run would pass 2 tasks (guarded, then r four times).
    limits: { maxTasksWithoutWait: 2 },
    expect: { status: 'faulted', errorType: 'https://example.com/flaky' },
  },
  {
    id: 'a loop that waits each cycle is not a runaway',
    tasks: [
      { bump },
      { pause: { wait: { milliseconds: 1 } } },
      { route: { switch: [{ more: { when: '${ .n < 4 }', then: 'bump' } }, { stop: { then: 'end' } }] } },
    ],
    // Three tasks between two waits at most (route, bump, pause); twelve without the resets.
    limits: { maxTasksWithoutWait: 3 },
    expect: { status: 'completed' },
  },
];

/** Bounds that hold across hand-overs and with small slices. */
const BOUNDS: RunawayCase[] = [
  {
    id: 'the count survives continue-as-new',
    tasks: [{ bump }, { route: again('bump') }],
    // Slices of about 100 tasks yield often, so history passes 30 events and the run hands over many times.
    limits: { maxTasksWithoutWait: RUNAWAY_LIMIT, sliceUnits: 10_000 },
    metadata: { 'runner.continueAsNewAfterEvents': '30' },
    expect: { runaway: '/do/0/bump' },
  },
  {
    id: 'many small slices',
    tasks: [{ loop: { for: { in: huge }, do: [{ step: { set: { s: '${ [range(0; 50)] | add }' } } }] } }],
    limits: { maxTasksWithoutWait: RUNAWAY_LIMIT, sliceUnits: 5_000 },
    expect: { runaway: '/do/0/loop/do/0/step' },
  },
];

export function runawayCorpus(): RunawayCase[] {
  return [...CYCLES, ...LOOPS, ...RETRIES, ...BOUNDS];
}
