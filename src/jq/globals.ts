import type { FuncDef, Node } from './ast';
import { JQ_BUILTINS_SOURCE } from './builtins-jq';
import { compileFuncBody } from './compiler';
import { parse } from './parser';
import type { Fn } from './runtime';
import type { GlobalFunc, GlobalResolver, Scope } from './scope';

/**
 * The jq-defined builtins: parsed on first use and compiled one function at a time on first call.
 * Immutable once built, so one registry is shared by every program (like gojq's compiled builtins).
 */
class BuiltinRegistry implements GlobalResolver {
  private readonly table = new Map<string, GlobalFunc>();

  constructor() {
    let node: Node = parse(JQ_BUILTINS_SOURCE + ' .');
    while (node.kind === 'def') {
      const def: FuncDef = node.def;
      const key = `${def.name}/${def.params.length}`;
      this.table.set(key, { def, id: { paramIds: [] }, body: null });
      node = node.body;
    }
  }

  names(): string[] {
    return [...this.table.keys()];
  }

  lookup(name: string, arity: number): GlobalFunc | undefined {
    return this.table.get(`${name}/${arity}`);
  }

  compileGlobal(g: GlobalFunc): Fn {
    if (g.body === null) {
      const scope: Scope = { funcs: null, vars: null, free: new Set(), host: new Set(), globals: this };
      g.body = compileFuncBody(g.def, scope, g.id);
    }
    return g.body;
  }
}

let registry: BuiltinRegistry | null = null;

export function builtinRegistry(): BuiltinRegistry {
  if (registry === null) registry = new BuiltinRegistry();
  return registry;
}
