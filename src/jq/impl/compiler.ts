/**
 * AST to closures: each filter calls an `emit` callback once per output (much faster than generators), and
 * where an expression has exactly one output and needs no path the compiler also builds its straight-line
 * form (Filter.direct). The top of the engine's compile stage: it composes combinators, constructors,
 * bindings, assignments and calls, none of which import it back (they receive `compileNode` instead).
 */
import type { FuncDef, Node } from './ast';
import { assignFn } from './assign';
import { bindFn, foreachFn, reduceFn } from './bind';
import { callFn } from './call';
import { extendPath, identity, iterate, iterateOpt, recurseAll, tryCatch, valueOnly } from './combinators';
import { costed } from './native';
import { arrayFilter, ifFilter, objectFilter, stringFilter } from './constructors';
import { isCatchable, JqError } from './errors';
import { applyFormat, FORMATS } from './formats';
import { binaryOp, negate } from './ops';
import { index, slice } from './paths';
import {
  BreakSignal,
  bindVar,
  charge,
  checkString,
  filter,
  INVALID_PATH,
  lookupVar,
  type Ctx,
  type Env,
  type Filter,
  type Fn,
} from './runtime';
import { hasVar, withFunc, withVar, type CompileNode, type FuncId, type Scope } from './scope';
import { isTruthy } from './values';

const IDENTITY: Filter = { run: identity, direct: (input) => input, constant: null };
const RECURSE: Filter = filter(recurseAll);

/** Compiles a node to its continuation form. */
export const compileNode: CompileNode = (node, scope) => compileFilter(node, scope).run;

/** Compiles a node to a Filter: its continuation form and, where it has one, its straight-line form. */
export function compileFilter(node: Node, scope: Scope): Filter {
  switch (node.kind) {
    case 'identity':
      return IDENTITY;
    case 'recurse':
      return RECURSE;
    case 'literal': {
      const value = node.value;
      return {
        run: (_i, p, _e, emit) => emit(value, p === null ? null : INVALID_PATH),
        direct: () => value,
        constant: { value },
      };
    }
    case 'string':
      return stringFilter(
        node.parts.map((part) => (typeof part === 'string' ? part : compileFilter(part, scope))),
        node.format,
      );
    case 'format': {
      const name = node.name;
      if (!FORMATS.has(name)) throw new JqError('compile', `${name}/0 is not a valid format`);
      // formats scan and build strings (`@base64d` of megabytes): charged like builtins, by length
      return filter((i, p, e, emit) =>
        emit(
          costed(e.ctx, i, () => applyFormat(name, i)),
          p === null ? null : INVALID_PATH,
        ),
      );
    }
    case 'index':
      return compileIndex(node.target, node.key, scope, node.opt === true);
    case 'slice': {
      const plain = compileSlice(node, scope);
      return filter(node.opt ? tryCatch(plain, null) : plain);
    }
    case 'iterate': {
      const target = compileNode(node.target, scope);
      const each = node.opt ? iterateOpt : iterate;
      return filter((i, p, e, emit) => target(i, p, e, (v, vp) => each(v, vp, e, emit)));
    }
    case 'try':
      return filter(tryCatch(compileNode(node.body, scope), node.handler ? compileNode(node.handler, scope) : null));
    case 'pipe':
      return compilePipe(compileFilter(node.left, scope), compileFilter(node.right, scope));
    case 'comma': {
      const l = compileNode(node.left, scope);
      const r = compileNode(node.right, scope);
      return filter((i, p, e, emit) => {
        l(i, p, e, emit);
        r(i, p, e, emit);
      });
    }
    case 'neg': {
      const o = compileFilter(node.operand, scope);
      const run = o.run;
      const od = o.direct;
      return filter(
        (i, p, e, emit) => run(i, null, e, (v) => emit(negate(v), p === null ? null : INVALID_PATH)),
        od && ((i, e) => negate(od(i, e))),
      );
    }
    case 'binary':
      return compileBinary(node.op, compileFilter(node.left, scope), compileFilter(node.right, scope));
    case 'and':
    case 'or':
      return compileLogic(node.kind, compileFilter(node.left, scope), compileFilter(node.right, scope));
    case 'alt':
      return filter(compileAlt(compileNode(node.left, scope), compileNode(node.right, scope)));
    case 'assign':
      return filter(valueOnly(assignFn(node.op, compileNode(node.left, scope), compileNode(node.right, scope))));
    case 'array':
      return arrayFilter(node.body ? compileNode(node.body, scope) : null);
    case 'object':
      return objectFilter(
        node.entries.map((en) => ({
          key: compileNode(en.key, scope),
          value: en.value ? compileNode(en.value, scope) : null,
          keyConst: en.key.kind === 'literal' && typeof en.key.value === 'string' ? en.key.value : undefined,
        })),
      );
    case 'if':
      return filter(
        ifFilter(
          compileNode(node.cond, scope),
          compileNode(node.then, scope),
          node.else ? compileNode(node.else, scope) : identity,
        ),
      );
    case 'reduce':
      return filter(reduceFn(compileNode, node, scope));
    case 'foreach':
      return filter(foreachFn(compileNode, node, scope));
    case 'bind':
      return filter(bindFn(compileNode, node, scope));
    case 'label':
      return filter(compileLabel(node.name, compileNode(node.body, withVar(scope, '*label-' + node.name))));
    case 'break': {
      const name = '*label-' + node.name;
      if (!hasVar(scope, name)) throw new JqError('compile', `$${name} is not defined`);
      return filter((_i, _p, e) => {
        throw new BreakSignal(lookupVar(e, name) as object);
      });
    }
    case 'var':
      return compileVar(node.name, scope);
    case 'call':
      return filter(callFn(compileNode, node.name, node.args, scope, node.at));
    case 'def':
      return filter(compileDef(node.def, node.body, scope));
  }
}

function compilePipe(l: Filter, r: Filter): Filter {
  const lr = l.run;
  const rr = r.run;
  const ld = l.direct;
  const rd = r.direct;
  return filter((i, p, e, emit) => lr(i, p, e, (v, vp) => rr(v, vp, e, emit)), ld && rd && ((i, e) => rd(ld(i, e), e)));
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

function compileIndex(targetNode: Node, keyNode: Node, scope: Scope, opt: boolean): Filter {
  const t = compileFilter(targetNode, scope);
  const target = t.run;
  if (opt) {
    const key = compileNode(keyNode, scope);
    return filter((i, p, e, emit) =>
      key(i, null, e, (k) =>
        target(i, p, e, (v, vp) => {
          const r = indexOpt(v, k);
          if (r === SKIP) return;
          emit(r, vp === null ? null : extendPath(vp, k, v));
        }),
      ),
    );
  }
  if (keyNode.kind === 'literal') {
    const k = keyNode.value;
    if (targetNode.kind === 'identity') {
      return filter(
        (i, p, _e, emit) => {
          const np = p === null ? null : extendPath(p, k, i);
          emit(index(i, k), np);
        },
        (i) => index(i, k),
      );
    }
    const td = t.direct;
    return filter(
      (i, p, e, emit) =>
        target(i, p, e, (v, vp) => {
          const np = vp === null ? null : extendPath(vp, k, v);
          emit(index(v, k), np);
        }),
      td && ((i, e) => index(td(i, e), k)),
    );
  }
  const key = compileNode(keyNode, scope);
  return filter((i, p, e, emit) =>
    key(i, null, e, (k) =>
      target(i, p, e, (v, vp) => {
        const np = vp === null ? null : extendPath(vp, k, v);
        emit(index(v, k), np);
      }),
    ),
  );
}

const nullFn: Fn = (_i, _p, _e, emit) => emit(null, null);

function compileSlice(node: Extract<Node, { kind: 'slice' }>, scope: Scope): Fn {
  const target = compileNode(node.target, scope);
  const f = node.from ? compileNode(node.from, scope) : nullFn;
  const t = node.to ? compileNode(node.to, scope) : nullFn;
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

/** Applies a binary operator, charging steps for the strings, arrays and objects it copies. */
function costedOp(op: string, lv: unknown, rv: unknown, ctx: Ctx): unknown {
  const v = binaryOp(op, lv, rv);
  if (v !== null && typeof v === 'object') charge(ctx, v, true);
  else if (typeof v === 'string') charge(ctx, v);
  return checkString(v, ctx);
}

function compileBinary(op: string, left: Filter, right: Filter): Filter {
  const l = left.run;
  const r = right.run;
  const ld = left.direct;
  const rd = right.direct;
  // constant operands (`. + 1`, `.a == "x"`) skip a generator level: fewer frames per jq-level recursion
  if (right.constant !== null) {
    const rv = right.constant.value;
    return filter(
      (i, p, e, emit) => l(i, null, e, (lv) => emit(costedOp(op, lv, rv, e.ctx), p === null ? null : INVALID_PATH)),
      ld && ((i, e) => costedOp(op, ld(i, e), rv, e.ctx)),
    );
  }
  if (left.constant !== null) {
    const lv = left.constant.value;
    return filter(
      (i, p, e, emit) => r(i, null, e, (rv) => emit(costedOp(op, lv, rv, e.ctx), p === null ? null : INVALID_PATH)),
      rd && ((i, e) => costedOp(op, lv, rd(i, e), e.ctx)),
    );
  }
  // the right operand first, as the continuation form evaluates it (which error surfaces first)
  return filter(
    (i, p, e, emit) =>
      r(i, null, e, (rv) => l(i, null, e, (lv) => emit(costedOp(op, lv, rv, e.ctx), p === null ? null : INVALID_PATH))),
    ld &&
      rd &&
      ((i, e) => {
        const rv = rd(i, e);
        return costedOp(op, ld(i, e), rv, e.ctx);
      }),
  );
}

function compileLogic(kind: 'and' | 'or', left: Filter, right: Filter): Filter {
  const l = left.run;
  const r = right.run;
  const ld = left.direct;
  const rd = right.direct;
  const run = valueOnly((i, _p, e, emit) =>
    l(i, null, e, (lv) => {
      const lt = isTruthy(lv);
      if (kind === 'and' ? !lt : lt) return emit(lt, null);
      r(i, null, e, (rv) => emit(isTruthy(rv), null));
    }),
  );
  return filter(
    run,
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

function compileVar(name: string, scope: Scope): Filter {
  if (name === 'ENV' && !hasVar(scope, name)) {
    scope.host.add('$ENV');
    return filter(valueOnly((_i, _p, e, emit) => emit({ ...e.ctx.env }, null)));
  }
  if (name === '__prog_args' && !hasVar(scope, name)) return filter(valueOnly((_i, _p, _e, emit) => emit([], null)));
  if (!hasVar(scope, name)) scope.free.add(name);
  return filter(
    (_i, p, e, emit) => emit(lookupVar(e, name), p === null ? null : INVALID_PATH),
    (_i, e) => lookupVar(e, name),
  );
}

function compileDef(def: FuncDef, rest: Node, scope: Scope): Fn {
  const id: FuncId = { paramIds: [] };
  const inner = withFunc(scope, def.name, def.params.length, id, def.params);
  const body = compileFuncBody(compileNode, def, inner, id);
  const restFn = compileNode(rest, inner);
  return (i, p, e, emit) => {
    const frame = { id, closure: null as { fn: Fn; env: Env } | null, next: e.funcs };
    const e2: Env = { vars: e.vars, funcs: frame, ctx: e.ctx };
    frame.closure = { fn: body, env: e2 };
    restFn(i, p, e2, emit);
  };
}

/** Compiles a function body in a scope holding its parameters; records the parameter ids on `owner`. */
export function compileFuncBody(compile: CompileNode, def: FuncDef, scope: Scope, owner: FuncId): Fn {
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
  return compile(def.body, s);
}
