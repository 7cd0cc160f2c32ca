/**
 * Maps JSON pointers back to YAML source positions, so schema and semantic problems found on the plain
 * JSON document carry the line and column an author sees in the editor.
 */
import { Document, isMap, isScalar, isSeq, LineCounter, Node, Pair, Scalar } from 'yaml';
import { splitPointer } from '../dsl/pointers';

export interface SourcePosition {
  line: number;
  column: number;
}

export class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly text: string,
  ) {}

  /** Position of an offset in the source (1-based line and column). */
  at(offset: number): SourcePosition {
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  /**
   * Position of the value at `pointer`: a scalar's own position, a collection's key (collections
   * usually start on the next line, the key is what the author looks for). A pointer deeper than the
   * document (e.g. a missing required property) maps to the deepest node that exists.
   */
  locate(pointer: string, preferKey = false, valueOffset?: number): SourcePosition | undefined {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    for (const token of splitPointer(pointer)) {
      const next = step(node, token);
      if (!next) break;
      node = next.value;
      keyNode = next.key;
    }
    const target = (isScalar(node) && !preferKey) || !keyNode ? (node as Node | undefined) : keyNode;
    const offset = target?.range?.[0] ?? keyNode?.range?.[0];
    if (offset === undefined) return undefined;
    const inner = valueOffset !== undefined && isScalar(node) ? this.offsetInScalar(node, valueOffset) : undefined;
    return this.at(inner ?? offset);
  }

  /**
   * Source offset of character `index` of a scalar's value, when the scalar is written on one line
   * without escapes (plain, or quoted with nothing to unescape); otherwise undefined.
   */
  private offsetInScalar(node: Scalar, index: number): number | undefined {
    const [start, end] = node.range ?? [];
    if (start === undefined || end === undefined || typeof node.value !== 'string') return undefined;
    const source = this.text.slice(start, end);
    const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
    if (node.type !== 'PLAIN' && quote === 0) return undefined;
    if (source.slice(quote, quote + node.value.length) !== node.value) return undefined;
    return start + quote + Math.min(index, node.value.length);
  }
}

function step(node: unknown, token: string): { value: unknown; key?: Node } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p: Pair) => keyText(p.key) === token);
    if (!pair) return undefined;
    return { value: pair.value ?? pair.key, key: pair.key as Node };
  }
  if (isSeq(node)) {
    const index = Number(token);
    if (!Number.isInteger(index) || index < 0 || index >= node.items.length) return undefined;
    return { value: node.items[index] };
  }
  return undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}
