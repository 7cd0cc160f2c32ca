import { budgetError, JqError } from './errors';

/** A path from the root of the input: object keys, array indices, or slice objects. */
export type Path = readonly unknown[];

/**
 * Path of a value produced by a non-path expression while tracking paths. jq only fails when such a
 * value is indexed or returned from path(f), with messages that name the operation.
 */
export const INVALID_PATH: Path = Object.freeze([]);

/** Receives one output; `path` is non-null only while tracking paths (path(f), assignments). */
export type Emit = (value: unknown, path: Path | null) => void;

/** A compiled filter: calls `emit` once per output, in order. */
export type Fn = (input: unknown, path: Path | null, env: Env, emit: Emit) => void;

/**
 * Straight-line evaluation of an expression that has exactly one output and needs no path (`.a.b`,
 * `.n + 1`, `"\(.x)-y"`, `$v.k == 2`): a program calls it instead of threading continuations, which for
 * such expressions cost more than the work itself. It computes what the continuation form emits, raises
 * the same errors and charges the same budget.
 */
export type Direct = (input: unknown, env: Env) => unknown;

/** What the compiler produces for an expression: its continuation form plus what it proved about it. */
export interface Filter {
  readonly run: Fn;
  /** The straight-line form, present only where every part of the expression has one. */
  readonly direct: Direct | null;
  /** Present for literals, so operators can fold constant operands. */
  readonly constant: { readonly value: unknown } | null;
}

/** A filter with no straight-line form and no constant value. */
export function filter(run: Fn, direct: Direct | null = null): Filter {
  return { run, direct, constant: null };
}

export interface Budget {
  maxSteps: number;
  maxOutputs: number;
  maxDepth: number;
  maxStringLength: number;
  maxArrayLength: number;
}

export const DEFAULT_BUDGET: Budget = Object.freeze({
  maxSteps: 10_000_000,
  maxOutputs: 1_000_000,
  // below the depth at which the JavaScript stack would overflow, so the limit is reached deterministically
  maxDepth: 500,
  maxStringLength: 50_000_000,
  maxArrayLength: 10_000_000,
});

/** Per-evaluation state: budget counters and the host's injected capabilities. */
export interface Ctx {
  steps: number;
  depth: number;
  readonly budget: Budget;
  readonly now?: () => number;
  readonly env: Record<string, string>;
  readonly debug?: (message: unknown) => void;
  readonly inputs: unknown[];
  inputIndex: number;
}

export interface VarFrame {
  readonly name: string;
  readonly value: unknown;
  readonly next: VarFrame | null;
}

/** A closure: a compiled body plus the environment it was defined in. */
export interface Closure {
  readonly fn: Fn;
  readonly env: Env;
}

export interface FuncFrame {
  readonly id: object;
  /** The user function's closure, or a filter argument bound to a parameter. */
  closure: Closure | null;
  readonly next: FuncFrame | null;
}

export interface Env {
  readonly vars: VarFrame | null;
  readonly funcs: FuncFrame | null;
  readonly ctx: Ctx;
}

export function bindVar(env: Env, name: string, value: unknown): Env {
  return { vars: { name, value, next: env.vars }, funcs: env.funcs, ctx: env.ctx };
}

export function lookupVar(env: Env, name: string): unknown {
  for (let f = env.vars; f !== null; f = f.next) if (f.name === name) return f.value;
  throw new JqError('compile', `$${name} is not defined`);
}

export function lookupFunc(env: Env, id: object): Closure {
  for (let f = env.funcs; f !== null; f = f.next) if (f.id === id) return f.closure as Closure;
  throw new JqError('runtime', 'internal error: unbound function');
}

/** Enforces maxStringLength on a produced value; returns it unchanged. */
export function checkString(v: unknown, ctx: Ctx): unknown {
  if (typeof v === 'string' && v.length > ctx.budget.maxStringLength)
    throw budgetError('maxStringLength', ctx.budget.maxStringLength);
  return v;
}

/**
 * Charges steps proportional to the size of a value a builtin or operator built or scanned, so that the step
 * budget also bounds programs whose per-step work grows (`until(false; . + [1])`, joins over huge arrays).
 * Objects count one per key only when `objects` is set, because counting keys is itself linear.
 */
export function charge(ctx: Ctx, v: unknown, objects = false): void {
  let n = 0;
  if (typeof v === 'string' || Array.isArray(v)) n = v.length;
  else if (objects && v !== null && typeof v === 'object') n = keyCopyCost(Object.keys(v).length);
  if (n > 0) chargeSteps(ctx, n);
}

/** Objects up to this many keys stay in V8's fast mode, where copying a key costs about one step. */
const FAST_OBJECT_KEYS = 1000;
/** Larger objects live in dictionary mode, where copying a key costs several times more. */
const DICTIONARY_KEY_STEPS = 8;

/** Steps for copying an object of `keys` keys (so that the step budget also bounds the time of huge merges). */
export function keyCopyCost(keys: number): number {
  return keys <= FAST_OBJECT_KEYS ? keys : FAST_OBJECT_KEYS + (keys - FAST_OBJECT_KEYS) * DICTIONARY_KEY_STEPS;
}

/** Charges `n` steps of work whose size the caller already knows (keys copied, comparisons made). */
export function chargeSteps(ctx: Ctx, n: number): void {
  if ((ctx.steps += n) > ctx.budget.maxSteps) throw budgetError('maxSteps', ctx.budget.maxSteps);
}

/** Charges the comparisons of sorting `n` values: n·log2(n), the work of a comparison sort. */
export function chargeSort(ctx: Ctx, n: number): void {
  if (n > 1) chargeSteps(ctx, Math.ceil(n * Math.log2(n)));
}

export function step(ctx: Ctx): void {
  if (++ctx.steps > ctx.budget.maxSteps) throw budgetError('maxSteps', ctx.budget.maxSteps);
}

/** Thrown to unwind to a `label`, or to stop a generator early (limit/first). Never user-visible. */
export class BreakSignal {
  constructor(readonly label: object) {}
}

/** Wraps an error raised downstream of a `try` body so that the `try` does not catch it. */
export class Passthrough {
  constructor(readonly inner: unknown) {}
}
