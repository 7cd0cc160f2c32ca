/** A compiled program: runs a Filter under a fresh budget per evaluation and normalizes what escapes it. */
import { JqError, withStack } from './errors';
import {
  BreakSignal,
  DEFAULT_BUDGET,
  Passthrough,
  type Budget,
  type Ctx,
  type Direct,
  type Env,
  type Filter,
  type Fn,
  type VarFrame,
} from './runtime';

export interface EvalOptions {
  /** Named variables WITHOUT '$': `{ input: {...} }` binds `$input`. */
  variables?: Record<string, unknown>;
  /** Seconds since the epoch; when absent, `now` raises a JqError. */
  now?: () => number;
  /** What `env` / `$ENV` return (default {}). */
  env?: Record<string, string>;
  /** Sink for `debug` / `stderr` (default: discard). */
  debug?: (message: unknown) => void;
  /** Values for `input` / `inputs`. */
  inputs?: unknown[];
  budget?: Partial<Budget>;
  /**
   * Adds the steps each evaluation took (completed or failed) to `steps`: a deterministic measure of the
   * work done, which a host can use to bound how much it runs between yields.
   */
  meter?: StepMeter;
}

export interface StepMeter {
  steps: number;
}

export interface Program {
  readonly text: string;
  evaluate(input: unknown, options?: EvalOptions): unknown[];
  first(input: unknown, options?: EvalOptions): unknown;
  /** Host-dependent / non-deterministic builtins and variables the program uses. */
  readonly hostDependencies: readonly string[];
}

/**
 * Immutable once built: the same program may serve many evaluations (and runs) at once, since all
 * per-evaluation state lives in the Ctx each evaluation creates.
 */
export class CompiledProgram implements Program {
  private readonly fn: Fn;
  /** Set for single-output, straight-line programs: no continuations to thread. */
  private readonly direct: Direct | null;

  constructor(
    readonly text: string,
    compiled: Filter,
    private readonly freeVars: readonly string[],
    readonly hostDependencies: readonly string[],
  ) {
    this.fn = compiled.run;
    this.direct = compiled.direct;
  }

  evaluate(input: unknown, options: EvalOptions = {}): unknown[] {
    const ctx = makeCtx(options);
    try {
      if (this.direct) return [runDirect(this.direct, input, this.env(ctx, options))];
      const out: unknown[] = [];
      const max = ctx.budget.maxOutputs;
      run(this.fn, input, this.env(ctx, options), (v) => {
        if (out.length >= max) throw new JqError('budget', `jq budget exceeded: maxOutputs (limit ${max})`);
        out.push(v);
      });
      return out;
    } finally {
      if (options.meter) options.meter.steps += ctx.steps;
    }
  }

  /** Calls `sink` with each output as it is produced (outputs before an error are delivered). */
  stream(input: unknown, options: EvalOptions, sink: (v: unknown) => void): void {
    const ctx = makeCtx(options);
    let count = 0;
    const max = ctx.budget.maxOutputs;
    try {
      run(this.fn, input, this.env(ctx, options), (v) => {
        if (++count > max) throw new JqError('budget', `jq budget exceeded: maxOutputs (limit ${max})`);
        sink(v);
      });
    } finally {
      if (options.meter) options.meter.steps += ctx.steps;
    }
  }

  first(input: unknown, options: EvalOptions = {}): unknown {
    const ctx = makeCtx(options);
    try {
      if (this.direct) return runDirect(this.direct, input, this.env(ctx, options));
      return firstOf(this.fn, input, this.env(ctx, options));
    } finally {
      if (options.meter) options.meter.steps += ctx.steps;
    }
  }

  private env(ctx: Ctx, options: EvalOptions): Env {
    const supplied = options.variables ?? {};
    let vars: VarFrame | null = null;
    for (const name of this.freeVars) {
      if (!Object.prototype.hasOwnProperty.call(supplied, name))
        throw new JqError('compile', `$${name} is not defined`);
      vars = { name, value: supplied[name], next: vars };
    }
    return { vars, funcs: null, ctx };
  }
}

function makeCtx(options: EvalOptions): Ctx {
  return {
    steps: 0,
    depth: 0,
    budget: budgetOf(options.budget),
    now: options.now,
    env: options.env ?? {},
    debug: options.debug,
    inputs: options.inputs ?? [],
    inputIndex: 0,
  };
}

/** The budget of an evaluation: a complete one as given (no copy per evaluation), a partial one over the default. */
function budgetOf(b: Partial<Budget> | undefined): Budget {
  if (b === undefined) return DEFAULT_BUDGET;
  const complete =
    b.maxSteps !== undefined &&
    b.maxOutputs !== undefined &&
    b.maxDepth !== undefined &&
    b.maxStringLength !== undefined &&
    b.maxArrayLength !== undefined;
  return complete ? (b as Budget) : { ...DEFAULT_BUDGET, ...b };
}

function firstOf(fn: Fn, input: unknown, env: Env): unknown {
  let result: unknown = undefined;
  let got = false;
  const stop = new BreakSignal({});
  try {
    run(
      fn,
      input,
      env,
      (v) => {
        result = v;
        got = true;
        throw stop;
      },
      stop,
    );
  } catch (e) {
    // once the first output is in hand, whatever unwinds the evaluation is only the stop signal on its way
    // out (possibly re-wrapped by try/label/limit frames); it must never surface as an error
    if (!got) throw e;
  }
  return result;
}

function run(fn: Fn, input: unknown, env: Env, emit: (v: unknown) => void, stop?: BreakSignal): void {
  try {
    fn(input, null, env, (v) => emit(v));
  } catch (e) {
    if (stop !== undefined && unwrap(e) === stop) throw stop;
    throw withStack(normalizeError(e, env.ctx), run);
  }
}

function runDirect(direct: Direct, input: unknown, env: Env): unknown {
  try {
    return direct(input, env);
  } catch (e) {
    throw withStack(normalizeError(e, env.ctx), runDirect);
  }
}

function unwrap(e: unknown): unknown {
  return e instanceof Passthrough ? unwrap(e.inner) : e;
}

function normalizeError(e: unknown, ctx: Ctx): JqError {
  if (e instanceof Passthrough) return normalizeError(e.inner, ctx);
  if (e instanceof JqError) return e;
  if (e instanceof BreakSignal) return new JqError('internal', 'internal jq engine error: a break escaped its label');
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new JqError(
      'budget',
      `jq budget exceeded: maxDepth (the JavaScript stack overflowed; limit ${ctx.budget.maxDepth})`,
    );
  }
  // an engine defect must still surface as the engine's error type, never as a stray TypeError
  return new JqError('internal', `internal jq engine error: ${e instanceof Error ? e.message : String(e)}`);
}
