/** Variable binding: `E as $x | ...` with destructuring and `?//` alternatives, `reduce` and `foreach`. */
import type { Node, Pattern } from './ast';
import { guardEmit } from './combinators';
import { isCatchable } from './errors';
import { index } from './paths';
import { bindVar, Passthrough, step, type Emit, type Env, type Fn, type Path } from './runtime';
import { withVar, type CompileNode, type Scope } from './scope';

type Binder = (value: unknown, input: unknown, env: Env, run: (env: Env) => void) => void;

function patternVars(p: Pattern, out: string[]): string[] {
  switch (p.kind) {
    case 'pvar':
      if (!out.includes(p.name)) out.push(p.name);
      break;
    case 'parray':
      for (const item of p.items) patternVars(item, out);
      break;
    case 'pobject':
      for (const en of p.entries) {
        if (en.keyVar !== null && !out.includes(en.keyVar)) out.push(en.keyVar);
        if (en.value) patternVars(en.value, out);
      }
      break;
  }
  return out;
}

/** Compiles a destructuring pattern; key expressions see the variables bound before them. */
function compilePattern(compileNode: CompileNode, p: Pattern, scope: Scope): { binder: Binder; scope: Scope } {
  switch (p.kind) {
    case 'pvar': {
      const name = p.name;
      return { binder: (v, _i, env, run) => run(bindVar(env, name, v)), scope: withVar(scope, name) };
    }
    case 'parray': {
      let s = scope;
      const items = p.items.map((item) => {
        const c = compilePattern(compileNode, item, s);
        s = c.scope;
        return c.binder;
      });
      const binder: Binder = (v, input, env, run) => {
        const go = (k: number, e: Env): void => {
          if (k === items.length) return run(e);
          items[k](index(v, k), input, e, (e2) => go(k + 1, e2));
        };
        if (v !== null && !Array.isArray(v)) index(v, 0);
        go(0, env);
      };
      return { binder, scope: s };
    }
    case 'pobject': {
      let s = scope;
      const entries = p.entries.map((en) => {
        const key = compileNode(en.key, s);
        if (en.keyVar !== null) s = withVar(s, en.keyVar);
        const sub = en.value ? compilePattern(compileNode, en.value, s) : null;
        if (sub) s = sub.scope;
        return { key, keyVar: en.keyVar, sub: sub?.binder ?? null };
      });
      const binder: Binder = (v, input, env, run) => {
        const go = (k: number, e: Env): void => {
          if (k === entries.length) return run(e);
          const en = entries[k];
          en.key(input, null, e, (kv) => {
            if (typeof kv !== 'string') index(v, kv);
            const field = index(v, kv);
            const e1 = en.keyVar !== null ? bindVar(e, en.keyVar, field) : e;
            if (en.sub) en.sub(field, input, e1, (e2) => go(k + 1, e2));
            else go(k + 1, e1);
          });
        };
        go(0, env);
      };
      return { binder, scope: s };
    }
  }
}

/** Compiles `?//` alternatives: every variable of every alternative is bound (null when absent). */
function compilePatterns(
  compileNode: CompileNode,
  patterns: readonly Pattern[],
  scope: Scope,
): { binders: Binder[]; scope: Scope; all: string[] } {
  const all: string[] = [];
  for (const p of patterns) patternVars(p, all);
  let base = scope;
  for (const name of all) base = withVar(base, name);
  const binders = patterns.map((p) => compilePattern(compileNode, p, base).binder);
  return { binders, scope: base, all };
}

function nullEnv(env: Env, names: string[]): Env {
  let e = env;
  for (const n of names) e = bindVar(e, n, null);
  return e;
}

export function bindFn(compileNode: CompileNode, node: Extract<Node, { kind: 'bind' }>, scope: Scope): Fn {
  const source = compileNode(node.source, scope);
  const { binders, scope: inner, all } = compilePatterns(compileNode, node.patterns, scope);
  const body = compileNode(node.body, inner);
  if (binders.length === 1 && node.patterns[0].kind === 'pvar') {
    const name = node.patterns[0].name;
    return (i, p, e, emit) => source(i, null, e, (v) => body(i, p, bindVar(e, name, v), emit));
  }
  return (i, p, e, emit) =>
    source(i, null, e, (v) => {
      const base = binders.length > 1 ? nullEnv(e, all) : e;
      for (let k = 0; k < binders.length; k++) {
        const last = k === binders.length - 1;
        if (last) return binders[k](v, i, base, (env) => body(i, p, env, emit));
        try {
          binders[k](v, i, base, (env) => body(i, p, env, guardEmit(emit)));
          return;
        } catch (err) {
          if (err instanceof Passthrough) throw err.inner;
          if (!isCatchable(err)) throw err;
        }
      }
    });
}

/** Runs `source as patterns` and calls `each` with every binding environment. */
function forEachBinding(
  source: Fn,
  binders: Binder[],
  all: string[],
  i: unknown,
  e: Env,
  each: (env: Env) => void,
): void {
  source(i, null, e, (v) => {
    step(e.ctx);
    if (binders.length === 1) return binders[0](v, i, e, each);
    const base = nullEnv(e, all);
    for (let k = 0; k < binders.length; k++) {
      try {
        return binders[k](v, i, base, each);
      } catch (err) {
        if (k === binders.length - 1 || !isCatchable(err)) throw err;
      }
    }
  });
}

export function reduceFn(compileNode: CompileNode, node: Extract<Node, { kind: 'reduce' }>, scope: Scope): Fn {
  const source = compileNode(node.source, scope);
  const { binders, scope: inner, all } = compilePatterns(compileNode, node.patterns, scope);
  const init = compileNode(node.init, scope);
  const update = compileNode(node.update, inner);
  const general: Fn = (i, p, e, emit) =>
    init(i, p, e, (start, startPath) => {
      let acc = start;
      let accPath: Path | null = startPath;
      forEachBinding(source, binders, all, i, e, (env) => {
        let next: unknown = null;
        let nextPath: Path | null = p === null ? null : accPath;
        let any = false;
        update(acc, accPath, env, (v, vp) => {
          next = v;
          nextPath = vp;
          any = true;
        });
        acc = any ? next : null;
        accPath = nextPath;
      });
      emit(acc, accPath);
    });
  const only = node.patterns.length === 1 && node.patterns[0].kind === 'pvar' ? node.patterns[0].name : null;
  if (only !== null) {
    // the common `reduce SOURCE as $x (INIT; UPDATE)` without destructuring or path tracking
    return (i, p, e, emit) => {
      if (p !== null) return general(i, p, e, emit);
      init(i, null, e, (start) => {
        let acc = start;
        let next: unknown = null;
        const take: Emit = (v) => {
          next = v;
        };
        source(i, null, e, (v) => {
          step(e.ctx);
          next = null;
          update(acc, null, { vars: { name: only, value: v, next: e.vars }, funcs: e.funcs, ctx: e.ctx }, take);
          acc = next;
        });
        emit(acc, null);
      });
    };
  }
  return general;
}

export function foreachFn(compileNode: CompileNode, node: Extract<Node, { kind: 'foreach' }>, scope: Scope): Fn {
  const source = compileNode(node.source, scope);
  const { binders, scope: inner, all } = compilePatterns(compileNode, node.patterns, scope);
  const init = compileNode(node.init, scope);
  const update = compileNode(node.update, inner);
  const extract = node.extract ? compileNode(node.extract, inner) : null;
  return (i, p, e, emit) =>
    init(i, p, e, (start, startPath) => {
      let acc = start;
      let accPath: Path | null = startPath;
      forEachBinding(source, binders, all, i, e, (env) => {
        update(acc, accPath, env, (v, vp) => {
          acc = v;
          accPath = vp;
          if (extract === null) emit(v, vp);
          else extract(v, vp, env, emit);
        });
      });
    });
}
