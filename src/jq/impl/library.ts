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
  private table: Map<string, GlobalFunc> | null = null;
  private sortedNames: readonly string[] | null = null;
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
    this.sortedNames ??= [...new Set([...Object.keys(NATIVES), ...this.globals().keys()])].sort();
    return this.sortedNames;
  }

  private globals(): Map<string, GlobalFunc> {
    if (this.table === null) {
      const table = new Map<string, GlobalFunc>();
      let node: Node = parse(JQ_BUILTINS_SOURCE + ' .');
      while (node.kind === 'def') {
        const def: FuncDef = node.def;
        table.set(`${def.name}/${def.params.length}`, { def, id: { paramIds: [] }, body: null });
        node = node.body;
      }
      this.table = table;
    }
    return this.table;
  }
}
