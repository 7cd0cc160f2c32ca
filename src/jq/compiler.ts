import type { FuncDef, Node } from './ast';
import { JqError } from './errors';
import { assignFn } from './assign';
import { bindFn, reduceFn, foreachFn } from './bind';
import { callFn } from './call';
import { index, slice } from './paths';
import { binaryOp, negate } from './ops';
import {
  BreakSignal,
  INVALID_PATH,
  bindVar,
  charge,
  chargeSteps,
  checkString,
  lookupVar,
  Passthrough,
  step,
  type Ctx,
  type Emit,
  type Env,
  type Fn,
  type Path,
} from './runtime';
import { hasVar, withFunc, withVar, type FuncId, type Scope } from './scope';
import { formatString, applyFormat, FORMATS } from './formats';
import { describe, isTruthy, preview, toJson } from './values';

/** Error for a value-only expression used where a path is required. */
export function invalidPath(v: unknown): JqError {
  return new JqError('runtime', `Invalid path expression with result ${preview(v)}`, {
    value: `Invalid path expression with result ${preview(v)}`,
  });
}

/** Wraps a filter that produces plain values so that path tracking rejects it like jq does. */
export function valueOnly(fn: Fn): Fn {
  return (input, path, env, emit) => {
    if (path === null) return fn(input, null, env, emit);
    fn(input, null, env, (v) => emit(v, INVALID_PATH));
  };
}

/** Extends a tracked path by one key, failing like jq when the value did not come from a path. */
export function extendPath(vp: Path | null, key: unknown, v: unknown): Path | null {
  if (vp === null) return null;
  if (vp === INVALID_PATH) {
    const msg = `Invalid path expression near attempt to access element ${toJson(key)} of ${toJson(v)}`;
    throw new JqError('runtime', msg, { value: msg });
  }
  return [...vp, key];
}

const NOT_CONSTANT = Symbol('not constant');
const NONE = Symbol('none');

/** A compiled literal carries its value, so operators can fold constant operands. */
function constantOf(fn: Fn): unknown {
  const c = (fn as Fn & { constant?: { value: unknown } }).constant;
  return c ? c.value : NOT_CONSTANT;
}

export const identity: Fn = (input, path, _env, emit) => emit(input, path);

/**
 * Straight-line evaluation of an expression that has exactly one output and needs no path (`.a.b`,
 * `.n + 1`, `"\(.x)-y"`, `$v.k == 2`): Program.evaluate calls it instead of threading continuations, which
 * for such expressions cost more than the work itself. Attached only where every part has one, so it
 * computes what the continuation form emits, raises the same errors and charges the same budget.
 */
export type Direct = (input: unknown, env: Env) => unknown;

export function directOf(fn: Fn): Direct | undefined {
  return (fn as Fn & { direct?: Direct }).direct;
}

function withDirect(fn: Fn, direct: Direct | undefined): Fn {
  if (direct) (fn as Fn & { direct?: Direct }).direct = direct;
  return fn;
}

withDirect(identity, (input) => input);

/** True for JqErrors that `try`, `?` and `//` may swallow (not budget or halt). */
export function isCatchable(e: unknown): e is JqError {
  return e instanceof JqError && e.code !== 'budget' && e.code !== 'halt';
}

/** Guards `emit` so that errors raised downstream pass through an enclosing try/alternative untouched. */
export function guardEmit(emit: Emit): Emit {
  return (v, p) => {
    try {
      emit(v, p);
    } catch (e) {
      throw new Passthrough(e);
    }
  };
}

export function compileNode(node: Node, scope: Scope): Fn {
  switch (node.kind) {
    case 'identity':
      return identity;
    case 'recurse':
      return recurseAll;
    case 'literal': {
      const value = node.value;
      const fn: Fn & { constant?: { value: unknown } } = (_i, p, _e, emit) =>
        emit(value, p === null ? null : INVALID_PATH);
      fn.constant = { value };
      return withDirect(fn, () => value);
    }
    case 'string':
      return compileString(node.parts, node.format, scope);
    case 'format': {
      const name = node.name;
      if (!FORMATS.has(name)) throw new JqError('compile', `${name}/0 is not a valid format`);
      return (i, p, _e, emit) => emit(applyFormat(name, i), p === null ? null : INVALID_PATH);
    }
    case 'index':
      return compileIndex(node.target, node.key, scope, node.opt === true);
    case 'slice':
      return compileSlice(node, scope);
    case 'iterate': {
      const target = compileNode(node.target, scope);
      if (node.opt) return (i, p, e, emit) => target(i, p, e, (v, vp) => iterateOpt(v, vp, e, emit));
      return (i, p, e, emit) => target(i, p, e, (v, vp) => iterate(v, vp, e, emit));
    }
    case 'try':
      return compileTry(compileNode(node.body, scope), node.handler ? compileNode(node.handler, scope) : null);
    case 'pipe': {
      const l = compileNode(node.left, scope);
      const r = compileNode(node.right, scope);
      const ld = directOf(l);
      const rd = directOf(r);
      return withDirect(
        (i, p, e, emit) => l(i, p, e, (v, vp) => r(v, vp, e, emit)),
        ld && rd && ((i, e) => rd(ld(i, e), e)),
      );
    }
    case 'comma': {
      const l = compileNode(node.left, scope);
      const r = compileNode(node.right, scope);
      return (i, p, e, emit) => {
        l(i, p, e, emit);
        r(i, p, e, emit);
      };
    }
    case 'neg': {
      const o = compileNode(node.operand, scope);
      const od = directOf(o);
      return withDirect(
        (i, p, e, emit) => o(i, null, e, (v) => emit(negate(v), p === null ? null : INVALID_PATH)),
        od && ((i, e) => negate(od(i, e))),
      );
    }
    case 'binary':
      return compileBinary(node.op, compileNode(node.left, scope), compileNode(node.right, scope));
    case 'and':
    case 'or':
      return compileLogic(node.kind, compileNode(node.left, scope), compileNode(node.right, scope));
    case 'alt':
      return compileAlt(compileNode(node.left, scope), compileNode(node.right, scope));
    case 'assign':
      return valueOnly(assignFn(node.op, compileNode(node.left, scope), compileNode(node.right, scope)));
    case 'array':
      return compileArray(node.body ? compileNode(node.body, scope) : null);
    case 'object':
      return compileObject(node, scope);
    case 'if':
      return compileIf(node, scope);
    case 'reduce':
      return reduceFn(node, scope);
    case 'foreach':
      return foreachFn(node, scope);
    case 'bind':
      return bindFn(node, scope);
    case 'label':
      return compileLabel(node.name, compileNode(node.body, withVar(scope, '*label-' + node.name)));
    case 'break': {
      const name = '*label-' + node.name;
      if (!hasVar(scope, name)) throw new JqError('compile', `$${name} is not defined`);
      return (_i, _p, e) => {
        throw new BreakSignal(lookupVar(e, name) as object);
      };
    }
    case 'var':
      return compileVar(node.name, scope);
    case 'call':
      return callFn(node.name, node.args, scope, node.at);
    case 'def':
      return compileDef(node.def, node.body, scope);
  }
}

export function recurseAll(input: unknown, path: Path | null, env: Env, emit: Emit): void {
  emit(input, path);
  if (path === INVALID_PATH && (Array.isArray(input) || (input !== null && typeof input === 'object')))
    iterate(input, path, env, emit);
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) recurseAll(input[i], path === null ? null : [...path, i], env, emit);
  } else if (input !== null && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    for (const k of Object.keys(o)) recurseAll(o[k], path === null ? null : [...path, k], env, emit);
  }
}

export function iterate(v: unknown, vp: Path | null, env: Env, emit: Emit): void {
  step(env.ctx);
  if (vp === INVALID_PATH) {
    const msg = `Invalid path expression near attempt to iterate through ${toJson(v)}`;
    throw new JqError('runtime', msg, { value: msg });
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) emit(v[i], vp === null ? null : [...vp, i]);
  } else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) emit(o[k], vp === null ? null : [...vp, k]);
  } else
    throw new JqError('runtime', `Cannot iterate over ${describe(v)}`, { value: `Cannot iterate over ${describe(v)}` });
}

/** `.[]?`: only the iteration's own error is suppressed, not errors raised downstream. */
function iterateOpt(v: unknown, vp: Path | null, env: Env, emit: Emit): void {
  if (Array.isArray(v) || (v !== null && typeof v === 'object')) iterate(v, vp, env, emit);
}

const SKIP = Symbol('skip');

function indexOpt(v: unknown, k: unknown): unknown {
  try {
    return index(v, k);
  } catch (e) {
    if (isCatchable(e)) return SKIP;
    throw e;
  }
}

function compileIndex(targetNode: Node, keyNode: Node, scope: Scope, opt: boolean): Fn {
  const target = compileNode(targetNode, scope);
  if (opt) {
    const key = compileNode(keyNode, scope);
    return (i, p, e, emit) =>
      key(i, null, e, (k) =>
        target(i, p, e, (v, vp) => {
          const r = indexOpt(v, k);
          if (r === SKIP) return;
          emit(r, vp === null ? null : extendPath(vp, k, v));
        }),
      );
  }
  if (keyNode.kind === 'literal') {
    const k = keyNode.value;
    if (targetNode.kind === 'identity') {
      const fn: Fn = (i, p, _e, emit) => {
        const np = p === null ? null : extendPath(p, k, i);
        emit(index(i, k), np);
      };
      return withDirect(fn, (i) => index(i, k));
    }
    const td = directOf(target);
    const fn: Fn = (i, p, e, emit) =>
      target(i, p, e, (v, vp) => {
        const np = vp === null ? null : extendPath(vp, k, v);
        emit(index(v, k), np);
      });
    return withDirect(fn, td && ((i, e) => index(td(i, e), k)));
  }
  const key = compileNode(keyNode, scope);
  return (i, p, e, emit) =>
    key(i, null, e, (k) =>
      target(i, p, e, (v, vp) => {
        const np = vp === null ? null : extendPath(vp, k, v);
        emit(index(v, k), np);
      }),
    );
}

function compileSlice(node: Extract<Node, { kind: 'slice' }>, scope: Scope): Fn {
  const plain = compileSliceStrict(node, scope);
  if (!node.opt) return plain;
  return compileTry(plain, null);
}

function compileSliceStrict(node: Extract<Node, { kind: 'slice' }>, scope: Scope): Fn {
  const target = compileNode(node.target, scope);
  const from = node.from ? compileNode(node.from, scope) : null;
  const to = node.to ? compileNode(node.to, scope) : null;
  const nullFn: Fn = (_i, _p, _e, emit) => emit(null, null);
  const f = from ?? nullFn;
  const t = to ?? nullFn;
  return (i, p, e, emit) =>
    t(i, null, e, (tv) =>
      f(i, null, e, (fv) =>
        target(i, p, e, (v, vp) => {
          const np = vp === null ? null : extendPath(vp, { start: fv, end: tv }, v);
          // a string slice counts code points from the start: charge the scan; an array slice: the copy
          if (typeof v === 'string') charge(e.ctx, v);
          const r = slice(v, fv, tv);
          if (Array.isArray(r)) charge(e.ctx, r);
          emit(r, np);
        }),
      ),
    );
}

export function errorValue(e: JqError): unknown {
  return 'value' in e ? e.value : e.message;
}

function compileTry(body: Fn, handler: Fn | null): Fn {
  return (i, p, e, emit) => {
    try {
      body(i, p, e, guardEmit(emit));
    } catch (err) {
      if (err instanceof Passthrough) throw err.inner;
      if (!isCatchable(err)) throw err;
      if (handler === null) return;
      const value = errorValue(err);
      // error(null) is caught as null; jq 1.8 `try error(null) catch .` yields null
      handler(value, null, e, emit);
    }
  };
}

/** Applies a binary operator, charging steps for the strings, arrays and objects it copies. */
function costedOp(op: string, lv: unknown, rv: unknown, ctx: Ctx): unknown {
  const v = binaryOp(op, lv, rv);
  if (v !== null && typeof v === 'object') charge(ctx, v, true);
  else if (typeof v === 'string') charge(ctx, v);
  return checkString(v, ctx);
}

function compileBinary(op: string, l: Fn, r: Fn): Fn {
  const lc = constantOf(l);
  const rc = constantOf(r);
  const ld = directOf(l);
  const rd = directOf(r);
  // constant operands (`. + 1`, `.a == "x"`) skip a generator level: fewer frames per jq-level recursion
  if (rc !== NOT_CONSTANT) {
    const rv = rc;
    const fn: Fn = (i, p, e, emit) =>
      l(i, null, e, (lv) => emit(costedOp(op, lv, rv, e.ctx), p === null ? null : INVALID_PATH));
    return withDirect(fn, ld && ((i, e) => costedOp(op, ld(i, e), rv, e.ctx)));
  }
  if (lc !== NOT_CONSTANT) {
    const lv = lc;
    const fn: Fn = (i, p, e, emit) =>
      r(i, null, e, (rv) => emit(costedOp(op, lv, rv, e.ctx), p === null ? null : INVALID_PATH));
    return withDirect(fn, rd && ((i, e) => costedOp(op, lv, rd(i, e), e.ctx)));
  }
  const fn: Fn = (i, p, e, emit) =>
    r(i, null, e, (rv) => l(i, null, e, (lv) => emit(costedOp(op, lv, rv, e.ctx), p === null ? null : INVALID_PATH)));
  // the right operand first, as the continuation form evaluates it (which error surfaces first)
  return withDirect(
    fn,
    ld &&
      rd &&
      ((i, e) => {
        const rv = rd(i, e);
        return costedOp(op, ld(i, e), rv, e.ctx);
      }),
  );
}

function compileLogic(kind: 'and' | 'or', l: Fn, r: Fn): Fn {
  const ld = directOf(l);
  const rd = directOf(r);
  const fn = valueOnly((i, _p, e, emit) =>
    l(i, null, e, (lv) => {
      const lt = isTruthy(lv);
      if (kind === 'and' ? !lt : lt) return emit(lt, null);
      r(i, null, e, (rv) => emit(isTruthy(rv), null));
    }),
  );
  return withDirect(
    fn,
    ld &&
      rd &&
      ((i, e) => {
        const lt = isTruthy(ld(i, e));
        if (kind === 'and' ? !lt : lt) return lt;
        return isTruthy(rd(i, e));
      }),
  );
}

/** `a // b`: the truthy outputs of a, else the outputs of b. In jq 1.8 errors raised by a propagate. */
function compileAlt(l: Fn, r: Fn): Fn {
  return (i, p, e, emit) => {
    let any = false;
    l(i, p, e, (v, vp) => {
      if (isTruthy(v)) {
        any = true;
        emit(v, vp);
      }
    });
    if (!any) r(i, p, e, emit);
  };
}

function compileArray(body: Fn | null): Fn {
  if (body === null) return valueOnly((_i, _p, _e, emit) => emit([], null));
  return valueOnly((i, _p, e, emit) => {
    const out: unknown[] = [];
    const max = e.ctx.budget.maxArrayLength;
    body(i, null, e, (v) => {
      if (out.length >= max) throw new JqError('budget', `jq budget exceeded: maxArrayLength (limit ${max})`);
      out.push(v);
    });
    emit(out, null);
  });
}

function compileObject(node: Extract<Node, { kind: 'object' }>, scope: Scope): Fn {
  const entries = node.entries.map((en) => ({
    key: compileNode(en.key, scope),
    value: en.value ? compileNode(en.value, scope) : null,
    keyConst: en.key.kind === 'literal' && typeof en.key.value === 'string' ? en.key.value : undefined,
  }));
  /** The [key, value] pairs one entry produces: keys outermost, like jq. */
  const pairsOf = (en: (typeof entries)[number], i: unknown, e: Env): [string, unknown][] => {
    const out: [string, unknown][] = [];
    const withKey = (k: unknown): void => {
      if (typeof k !== 'string') {
        const msg = `Cannot use ${describe(k)} as object key`;
        throw new JqError('runtime', msg, { value: msg });
      }
      if (en.value === null) out.push([k, index(i, k)]);
      else en.value(i, null, e, (v) => out.push([k, v]));
    };
    if (en.keyConst !== undefined) withKey(en.keyConst);
    else en.key(i, null, e, withKey);
    return out;
  };
  // Every object built is charged one step per key it copies, like the objects operators build.
  return valueOnly((i, _p, e, emit) => {
    const all = entries.map((en) => pairsOf(en, i, e));
    if (all.every((pairs) => pairs.length === 1)) {
      // the common case: one object, no cartesian product
      chargeSteps(e.ctx, all.length);
      const o: Record<string, unknown> = {};
      for (const pairs of all) o[pairs[0][0]] = pairs[0][1];
      return emit(o, null);
    }
    const build = (idx: number, acc: Record<string, unknown>): void => {
      if (idx === all.length) {
        chargeSteps(e.ctx, idx);
        return emit({ ...acc }, null);
      }
      for (const [k, v] of all[idx]) {
        chargeSteps(e.ctx, idx + 1);
        build(idx + 1, { ...acc, [k]: v });
      }
    };
    build(0, {});
  });
}

function compileIf(node: Extract<Node, { kind: 'if' }>, scope: Scope): Fn {
  const cond = compileNode(node.cond, scope);
  const then = compileNode(node.then, scope);
  const otherwise = node.else ? compileNode(node.else, scope) : identity;
  // The condition's outputs are gathered before a branch runs, so the branch does not nest inside the
  // condition's frames (deep jq recursion goes through `if`); outputs and their order are unchanged.
  return (i, p, e, emit) => {
    let first: unknown = NONE;
    const more: unknown[] = [];
    cond(i, null, e, (c) => {
      if (first === NONE) first = c;
      else more.push(c);
    });
    if (first === NONE) return;
    if (isTruthy(first)) then(i, p, e, emit);
    else otherwise(i, p, e, emit);
    for (const c of more) (isTruthy(c) ? then : otherwise)(i, p, e, emit);
  };
}

function compileLabel(name: string, body: Fn): Fn {
  const varName = '*label-' + name;
  return (i, p, e, emit) => {
    const token = {};
    try {
      body(i, p, bindVar(e, varName, token), emit);
    } catch (err) {
      if (err instanceof BreakSignal && err.label === token) return;
      throw err;
    }
  };
}

function compileVar(name: string, scope: Scope): Fn {
  if (name === 'ENV' && !hasVar(scope, name)) {
    scope.host.add('$ENV');
    return valueOnly((_i, _p, e, emit) => emit({ ...e.ctx.env }, null));
  }
  if (name === '__prog_args' && !hasVar(scope, name)) return valueOnly((_i, _p, _e, emit) => emit([], null));
  if (!hasVar(scope, name)) scope.free.add(name);
  return withDirect(
    (_i, p, e, emit) => emit(lookupVar(e, name), p === null ? null : INVALID_PATH),
    (_i, e) => lookupVar(e, name),
  );
}

function compileString(parts: readonly (string | Node)[], format: string | null, scope: Scope): Fn {
  const fns = parts.map((part) => (typeof part === 'string' ? part : compileNode(part, scope)));
  const fmt = format ?? 'text';
  // jq evaluates the last interpolation outermost: "\((1,2)) \((3,4))" gives "1 3", "2 3", "1 4", "2 4"
  const build = (i: unknown, e: Env, idx: number, acc: string[], emit: Emit): void => {
    if (idx < 0) return emit(checkString(acc.join(''), e.ctx), null);
    const f = fns[idx];
    if (typeof f === 'string') {
      acc[idx] = f;
      return build(i, e, idx - 1, acc, emit);
    }
    f(i, null, e, (v) => {
      acc[idx] = formatString(fmt, v);
      build(i, e, idx - 1, acc, emit);
    });
  };
  const fn = valueOnly((i, _p, e, emit) => build(i, e, fns.length - 1, new Array<string>(fns.length), emit));
  const directs = fns.map((f) => (typeof f === 'string' ? f : directOf(f)));
  if (directs.some((d) => d === undefined)) return fn;
  return withDirect(fn, (i, e) => {
    const acc = new Array<string>(directs.length);
    for (let idx = directs.length - 1; idx >= 0; idx--) {
      const d = directs[idx] as string | Direct;
      acc[idx] = typeof d === 'string' ? d : formatString(fmt, d(i, e));
    }
    return checkString(acc.join(''), e.ctx);
  });
}

function compileDef(def: FuncDef, rest: Node, scope: Scope): Fn {
  const id: FuncId = { paramIds: [] };
  const inner = withFunc(scope, def.name, def.params.length, id, def.params);
  const body = compileFuncBody(def, inner, id);
  const restFn = compileNode(rest, inner);
  return (i, p, e, emit) => {
    const frame = { id, closure: null as { fn: Fn; env: Env } | null, next: e.funcs };
    const e2: Env = { vars: e.vars, funcs: frame, ctx: e.ctx };
    frame.closure = { fn: body, env: e2 };
    restFn(i, p, e2, emit);
  };
}

/** Compiles a function body in a scope holding its parameters; records the parameter ids on `owner`. */
export function compileFuncBody(def: FuncDef, scope: Scope, owner: FuncId): Fn {
  let s = scope;
  const paramIds: FuncId[] = [];
  for (const param of def.params) {
    const pid: FuncId = { paramIds: [] };
    paramIds.push(pid);
    const name = param.startsWith('$') ? param.slice(1) : param;
    s = withFunc(s, name, 0, pid, null);
    if (param.startsWith('$')) s = withVar(s, name);
  }
  owner.paramIds = paramIds;
  return compileNode(def.body, s);
}
