/** The jq abstract syntax tree: a discriminated union of readonly nodes. `at` is the source offset. */
export type Node =
  | { readonly kind: 'identity'; readonly at: number }
  | { readonly kind: 'recurse'; readonly at: number }
  | { readonly kind: 'literal'; readonly at: number; readonly value: unknown }
  | {
      readonly kind: 'string';
      readonly at: number;
      readonly format: string | null;
      readonly parts: readonly (string | Node)[];
    }
  | { readonly kind: 'format'; readonly at: number; readonly name: string }
  /** `opt` (a `?` right after the suffix) suppresses errors of this one index operation, as jq 1.8's INDEX_OPT. */
  | { readonly kind: 'index'; readonly at: number; readonly target: Node; readonly key: Node; readonly opt?: boolean }
  | {
      readonly kind: 'slice';
      readonly at: number;
      readonly target: Node;
      readonly from: Node | null;
      readonly to: Node | null;
      readonly opt?: boolean;
    }
  | { readonly kind: 'iterate'; readonly at: number; readonly target: Node; readonly opt?: boolean }
  | { readonly kind: 'try'; readonly at: number; readonly body: Node; readonly handler: Node | null }
  | { readonly kind: 'pipe'; readonly at: number; readonly left: Node; readonly right: Node }
  | { readonly kind: 'comma'; readonly at: number; readonly left: Node; readonly right: Node }
  | { readonly kind: 'neg'; readonly at: number; readonly operand: Node }
  | { readonly kind: 'binary'; readonly at: number; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: 'and' | 'or' | 'alt'; readonly at: number; readonly left: Node; readonly right: Node }
  | { readonly kind: 'assign'; readonly at: number; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: 'array'; readonly at: number; readonly body: Node | null }
  | { readonly kind: 'object'; readonly at: number; readonly entries: readonly ObjectEntry[] }
  | { readonly kind: 'if'; readonly at: number; readonly cond: Node; readonly then: Node; readonly else: Node | null }
  | {
      readonly kind: 'reduce';
      readonly at: number;
      readonly source: Node;
      readonly patterns: readonly Pattern[];
      readonly init: Node;
      readonly update: Node;
    }
  | {
      readonly kind: 'foreach';
      readonly at: number;
      readonly source: Node;
      readonly patterns: readonly Pattern[];
      readonly init: Node;
      readonly update: Node;
      readonly extract: Node | null;
    }
  | {
      readonly kind: 'bind';
      readonly at: number;
      readonly source: Node;
      readonly patterns: readonly Pattern[];
      readonly body: Node;
    }
  | { readonly kind: 'label'; readonly at: number; readonly name: string; readonly body: Node }
  | { readonly kind: 'break'; readonly at: number; readonly name: string }
  | { readonly kind: 'var'; readonly at: number; readonly name: string }
  | { readonly kind: 'call'; readonly at: number; readonly name: string; readonly args: readonly Node[] }
  | { readonly kind: 'def'; readonly at: number; readonly def: FuncDef; readonly body: Node };

export interface FuncDef {
  readonly name: string;
  readonly params: readonly string[]; // '$x' for value params, 'f' for filter params
  readonly body: Node;
  readonly at: number;
}

export interface ObjectEntry {
  readonly key: Node;
  /** null means shorthand: `{a}`, `{$x}`, `{"a"}` take the value from `.key` or the variable. */
  readonly value: Node | null;
}

export type Pattern =
  | { readonly kind: 'pvar'; readonly name: string }
  | { readonly kind: 'parray'; readonly items: readonly Pattern[] }
  | {
      readonly kind: 'pobject';
      readonly entries: readonly {
        readonly key: Node;
        readonly keyVar: string | null;
        readonly value: Pattern | null;
      }[];
    };
