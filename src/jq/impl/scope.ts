/**
 * Compile-time scope: the functions and variables visible at a point of the program, and the library
 * (native and jq-defined builtins, the regex engine) of the Engine compiling it.
 */
import type { FuncDef, Node } from './ast';
import type { Fn } from './runtime';
import type { RegexCache } from './regex';

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
  /** The builtins and services of the engine compiling the program. */
  readonly lib: Library;
}

/** Compiles one AST node in a scope (passed to the parts of the compiler that compile sub-expressions). */
export type CompileNode = (node: Node, scope: Scope) => Fn;

/** A native builtin: a factory from compiled argument filters to a filter. */
export interface Native {
  readonly make: (args: Fn[], scope: Scope) => Fn;
  /** Set for host-dependent builtins (reported by hostDependencies). */
  readonly host?: string;
}

/** Native builtins by `name/arity`. */
export type NativeTable = Readonly<Record<string, Native>>;

/** A builtin written in jq: its definition, and its body once compiled. */
export interface GlobalFunc {
  readonly def: FuncDef;
  readonly id: FuncId;
  body: Fn | null;
}

/** What an Engine offers the programs it compiles. */
export interface Library {
  native(name: string, arity: number): Native | undefined;
  global(name: string, arity: number): GlobalFunc | undefined;
  /** The body of a jq-defined builtin, compiled on first use. */
  compileGlobal(g: GlobalFunc): Fn;
  /** Every builtin's `name/arity`, sorted (`builtins`). */
  names(): readonly string[];
  readonly regex: RegexCache;
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
