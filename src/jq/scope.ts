import type { FuncDef } from './ast';
import type { Fn } from './runtime';

/** Identity of a compiled function; its parameter ids are filled when its body is compiled. */
export interface FuncId {
  paramIds: FuncId[];
}

/** A function visible at compile time: a user `def`, a filter parameter, or a `$` parameter's filter twin. */
export interface FuncBinding {
  readonly name: string;
  readonly arity: number;
  readonly id: FuncId;
  /** For user functions: the parameter list; null for parameters (arity 0 closures). */
  readonly params: readonly string[] | null;
  readonly next: FuncBinding | null;
}

export interface VarBinding {
  readonly name: string;
  readonly next: VarBinding | null;
}

/** Compile-time scope; mirrors the runtime Env shape. */
export interface Scope {
  readonly funcs: FuncBinding | null;
  readonly vars: VarBinding | null;
  /** Variables used but not bound: supplied by the host at evaluation time. */
  readonly free: Set<string>;
  /** Names of host-dependent builtins/variables used. */
  readonly host: Set<string>;
  /** The program text, for error positions (absent for builtins). */
  readonly text?: string;
  /** Resolves jq-defined builtins (compiled once, lazily). */
  readonly globals: GlobalResolver;
}

export interface GlobalFunc {
  readonly def: FuncDef;
  readonly id: FuncId;
  body: Fn | null;
}

export interface GlobalResolver {
  lookup(name: string, arity: number): GlobalFunc | undefined;
  compileGlobal(g: GlobalFunc): Fn;
}

export function findFunc(scope: Scope, name: string, arity: number): FuncBinding | undefined {
  for (let f = scope.funcs; f !== null; f = f.next) if (f.name === name && f.arity === arity) return f;
  return undefined;
}

export function hasVar(scope: Scope, name: string): boolean {
  for (let v = scope.vars; v !== null; v = v.next) if (v.name === name) return true;
  return false;
}

export function withVar(scope: Scope, name: string): Scope {
  return { ...scope, vars: { name, next: scope.vars } };
}

export function withFunc(
  scope: Scope,
  name: string,
  arity: number,
  id: FuncId,
  params: readonly string[] | null,
): Scope {
  return { ...scope, funcs: { name, arity, id, params, next: scope.funcs } };
}
