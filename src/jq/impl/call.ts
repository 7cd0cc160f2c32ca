/** Function calls: user functions and their parameters, native builtins, builtins written in jq. */
import type { Node } from './ast';
import { budgetError, JqError, positionOf } from './errors';
import { lookupFunc, step, type Ctx, type Emit, type Env, type Fn, type FuncFrame, type Path } from './runtime';
import { findFunc, type CompileNode, type FuncId, type Scope } from './scope';

/** Resolves a call at compile time: user function or parameter, native builtin, or jq-defined builtin. */
export function callFn(
  compileNode: CompileNode,
  name: string,
  argNodes: readonly Node[],
  scope: Scope,
  at: number,
): Fn {
  const arity = argNodes.length;
  const user = findFunc(scope, name, arity);
  if (user) {
    const id = user.id;
    if (user.params === null) {
      return (i, p, e, emit) => {
        const c = lookupFunc(e, id);
        c.fn(i, p, c.env, emit);
      };
    }
    const args = argNodes.map((a) => compileNode(a, scope));
    const params = user.params;
    if (params.length === 0) {
      // no parameters: call the body directly (one JavaScript frame less per jq-level recursion)
      return (i, p, e, emit) => {
        const c = lookupFunc(e, id);
        const ctx = e.ctx;
        enterCall(ctx);
        try {
          c.fn(i, p, c.env, emit);
        } finally {
          if (ctx.depth > 0) ctx.depth--;
        }
      };
    }
    return (i, p, e, emit) => {
      const c = lookupFunc(e, id);
      invoke(c.fn, c.env, id, params, args, i, p, e, emit);
    };
  }
  const native = scope.lib.native(name, arity);
  if (native) {
    if (native.host) scope.host.add(native.host);
    return native.make(
      argNodes.map((a) => compileNode(a, scope)),
      scope,
    );
  }
  const global = scope.lib.global(name, arity);
  if (global) {
    const args = argNodes.map((a) => compileNode(a, scope));
    const params = global.def.params;
    const gid = global.id;
    let body: Fn | null = null;
    const lib = scope.lib;
    noteHostUse(name, scope);
    return (i, p, e, emit) => {
      if (body === null) body = lib.compileGlobal(global);
      invoke(body, { vars: null, funcs: null, ctx: e.ctx }, gid, params, args, i, p, e, emit);
    };
  }
  const message = `${name}/${arity} is not defined`;
  throw new JqError('compile', message, {
    position: scope.text === undefined ? undefined : positionOf(scope.text, at),
    value: message,
  });
}

/** jq-defined builtins that reach host-dependent natives (their bodies are compiled lazily, elsewhere). */
const HOST_GLOBALS: Record<string, string> = { env: 'env', halt_error: 'halt_error', debug: 'debug' };

function noteHostUse(name: string, scope: Scope): void {
  const host = HOST_GLOBALS[name];
  if (host !== undefined) scope.host.add(host);
}

/** Charges a call and enters one level of call depth; the caller leaves it again in a `finally`. */
function enterCall(ctx: Ctx): void {
  step(ctx);
  if (++ctx.depth > ctx.budget.maxDepth) {
    ctx.depth = 0;
    throw budgetError('maxDepth', ctx.budget.maxDepth);
  }
}

/** Calls a function body: binds filter parameters as closures over the caller and `$` parameters as values. */
function invoke(
  body: Fn,
  defEnv: Env,
  id: FuncId,
  params: readonly string[],
  args: Fn[],
  input: unknown,
  path: Path | null,
  caller: Env,
  emit: Emit,
): void {
  const ctx = caller.ctx;
  enterCall(ctx);
  try {
    if (params.length === 0) return body(input, path, defEnv, emit);
    bindParams(0, params, id.paramIds, args, input, caller, defEnv, (env) => body(input, path, env, emit));
  } finally {
    if (ctx.depth > 0) ctx.depth--;
  }
}

function bindParams(
  k: number,
  params: readonly string[],
  ids: readonly FuncId[],
  args: Fn[],
  input: unknown,
  caller: Env,
  env: Env,
  run: (env: Env) => void,
): void {
  if (k === params.length) return run(env);
  const param = params[k];
  if (!param.startsWith('$')) {
    const frame: FuncFrame = { id: ids[k], closure: { fn: args[k], env: caller }, next: env.funcs };
    return bindParams(k + 1, params, ids, args, input, caller, { vars: env.vars, funcs: frame, ctx: env.ctx }, run);
  }
  const name = param.slice(1);
  args[k](input, null, caller, (v) => {
    const constFn: Fn = (_i, _p, _e, emit) => emit(v, null);
    const frame: FuncFrame = { id: ids[k], closure: { fn: constFn, env: caller }, next: env.funcs };
    const next: Env = { vars: { name, value: v, next: env.vars }, funcs: frame, ctx: env.ctx };
    bindParams(k + 1, params, ids, args, input, caller, next, run);
  });
}
