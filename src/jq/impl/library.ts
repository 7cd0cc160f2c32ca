/**
 * The builtins one Engine offers its programs: the native table, the builtins written in jq (parsed on
 * first use and compiled one function at a time on first call, like gojq's compiled builtins), and the
 * engine's regular expressions. Immutable once built apart from those lazily filled caches, whose
 * contents are pure functions of their keys, so every program of the engine shares them.
 */
import type { FuncDef, Node } from './ast';
import { JQ_BUILTINS_SOURCE } from './builtins-jq';
import { compileFuncBody, compileNode } from './compiler';
import { NATIVES } from './natives';
import { parse } from './parser';
import { RegexCache, type RegexEngine } from './regex';
import type { Fn } from './runtime';
import type { GlobalFunc, Library, Native, Scope } from './scope';

export class BuiltinLibrary implements Library {
  // Filled on first use. Held in closures, not fields: a host may freeze the engine once it is built (Temporal
  // deep-freezes the modules a reusable V8 context shares), and a frozen object's fields cannot be assigned.
  private readonly globals = lazy(parseGlobals);
  private readonly sortedNames = lazy(() => [...new Set([...Object.keys(NATIVES), ...this.globals().keys()])].sort());
  readonly regex: RegexCache;

  constructor(regex: RegexEngine | undefined) {
    this.regex = new RegexCache(regex);
  }

  native(name: string, arity: number): Native | undefined {
    const key = `${name}/${arity}`;
    return Object.prototype.hasOwnProperty.call(NATIVES, key) ? NATIVES[key] : undefined;
  }

  global(name: string, arity: number): GlobalFunc | undefined {
    return this.globals().get(`${name}/${arity}`);
  }

  compileGlobal(g: GlobalFunc): Fn {
    if (g.body === null) {
      const scope: Scope = { funcs: null, vars: null, free: new Set(), host: new Set(), lib: this };
      g.body = compileFuncBody(compileNode, g.def, scope, g.id);
    }
    return g.body;
  }

  names(): readonly string[] {
    return this.sortedNames();
  }
}

/** The builtins written in jq, by `name/arity`, each compiled on its first call. */
function parseGlobals(): Map<string, GlobalFunc> {
  const table = new Map<string, GlobalFunc>();
  let node: Node = parse(JQ_BUILTINS_SOURCE + ' .');
  while (node.kind === 'def') {
    const def: FuncDef = node.def;
    table.set(`${def.name}/${def.params.length}`, { def, id: { paramIds: [] }, body: null });
    node = node.body;
  }
  return table;
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
