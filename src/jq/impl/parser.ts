import type { FuncDef, Node, ObjectEntry, Pattern } from './ast';
import { JqError, parseError, positionOf } from './errors';
import { tokenize, type StringPart, type Token } from './lexer';

/** Binding powers of the infix operators: [power, associativity]. One table drives the Pratt loop. */
const INFIX: Record<string, readonly [number, 'left' | 'right' | 'none']> = {
  '|': [1, 'right'],
  ',': [2, 'left'],
  '//': [3, 'right'],
  '=': [4, 'none'],
  '|=': [4, 'none'],
  '+=': [4, 'none'],
  '-=': [4, 'none'],
  '*=': [4, 'none'],
  '/=': [4, 'none'],
  '%=': [4, 'none'],
  '//=': [4, 'none'],
  or: [5, 'left'],
  and: [6, 'left'],
  '==': [7, 'none'],
  '!=': [7, 'none'],
  '<': [7, 'none'],
  '<=': [7, 'none'],
  '>': [7, 'none'],
  '>=': [7, 'none'],
  '+': [8, 'left'],
  '-': [8, 'left'],
  '*': [9, 'left'],
  '/': [9, 'left'],
  '%': [9, 'left'],
};
/** `as` takes the whole expression to its left, commas included. */
const AS_BP = 2;
const ASSIGN_OPS = new Set(['=', '|=', '+=', '-=', '*=', '/=', '%=', '//=']);
/** Object values may hold pipes but not commas: parse them above ','. */
const OBJECT_VALUE_BP = 3;

export function parse(text: string): Node {
  const parser = new Parser(text, tokenize(text));
  const node = parser.parseProgram();
  return node;
}

class Parser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parseProgram(): Node {
    const t = this.peek();
    if (t.kind === 'keyword' && (t.text === 'module' || t.text === 'import' || t.text === 'include')) {
      throw new JqError('compile', 'jq modules (import/include/module) are not supported', {
        position: positionOf(this.text, t.offset),
      });
    }
    if (t.kind === 'eof') return { kind: 'identity', at: t.offset };
    const node = this.parseExpr(0);
    this.expectEof();
    return node;
  }

  private expectEof(): void {
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)];
  }
  private advance(): Token {
    return this.tokens[this.i++];
  }
  private isOp(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'op' && t.text === text;
  }
  private isKeyword(text: string): boolean {
    const t = this.peek();
    return t.kind === 'keyword' && t.text === text;
  }
  private expectOp(text: string): Token {
    const t = this.peek();
    if (t.kind !== 'op' || t.text !== text) throw this.unexpected(t, `'${text}'`);
    return this.advance();
  }
  private expectKeyword(text: string): void {
    if (!this.isKeyword(text)) throw this.unexpected(this.peek(), text);
    this.advance();
  }
  private unexpected(t: Token, expecting?: string): JqError {
    const what = t.kind === 'eof' ? 'end of file' : `'${t.text}'`;
    return parseError(
      this.text,
      t.offset,
      `syntax error, unexpected ${what}${expecting ? `, expecting ${expecting}` : ''}`,
    );
  }

  private infixOf(t: Token): readonly [number, 'left' | 'right' | 'none'] | undefined {
    if (t.kind === 'op' || (t.kind === 'keyword' && (t.text === 'and' || t.text === 'or'))) return INFIX[t.text];
    return undefined;
  }

  parseExpr(minBp: number): Node {
    let left = this.parsePrefix();
    for (;;) {
      const t = this.peek();
      // jq 1.8: `Exp as $x | body` binds everything to its left up to a ',' or '|' level
      if (t.kind === 'keyword' && t.text === 'as' && minBp <= AS_BP) {
        this.advance();
        const patterns = this.parsePatterns();
        this.expectOp('|');
        left = { kind: 'bind', at: t.offset, source: left, patterns, body: this.parseExpr(0) };
        continue;
      }
      const info = this.infixOf(t);
      if (!info || info[0] < minBp) return left;
      const [bp, assoc] = info;
      this.advance();
      const right = this.parseExpr(assoc === 'right' ? bp : bp + 1);
      left = this.makeBinary(t, left, right);
      if (assoc === 'none') {
        const nxt = this.infixOf(this.peek());
        if (nxt && nxt[0] === bp) throw this.unexpected(this.peek());
      }
    }
  }

  private makeBinary(t: Token, left: Node, right: Node): Node {
    const at = t.offset;
    switch (t.text) {
      case '|':
        return { kind: 'pipe', at, left, right };
      case ',':
        return { kind: 'comma', at, left, right };
      case '//':
        return { kind: 'alt', at, left, right };
      case 'and':
        return { kind: 'and', at, left, right };
      case 'or':
        return { kind: 'or', at, left, right };
      default:
        if (ASSIGN_OPS.has(t.text)) return { kind: 'assign', at, op: t.text, left, right };
        return { kind: 'binary', at, op: t.text, left, right };
    }
  }

  /** Prefix position: forms whose body extends as far right as possible, unary minus, then a term. */
  private parsePrefix(): Node {
    const t = this.peek();
    if (t.kind === 'keyword') {
      if (t.text === 'def') {
        const def = this.parseFuncDef();
        return { kind: 'def', at: t.offset, def, body: this.parseExpr(0) };
      }
      if (t.text === 'label') {
        this.advance();
        const v = this.advance();
        if (v.kind !== 'var') throw this.unexpected(v, '$name');
        this.expectOp('|');
        return { kind: 'label', at: t.offset, name: v.text, body: this.parseExpr(0) };
      }
      if (t.text === 'import' || t.text === 'include' || t.text === 'module') {
        throw new JqError('compile', 'jq modules (import/include/module) are not supported', {
          position: positionOf(this.text, t.offset),
        });
      }
    }
    if (t.kind === 'op' && t.text === '-') {
      this.advance();
      return { kind: 'neg', at: t.offset, operand: this.parseExpr(9) };
    }
    return this.parsePostfix();
  }

  private parseFuncDef(): FuncDef {
    const start = this.advance(); // def
    const nameTok = this.advance();
    if (nameTok.kind !== 'ident' && nameTok.kind !== 'keyword') throw this.unexpected(nameTok, 'IDENT');
    const params: string[] = [];
    if (this.isOp('(')) {
      this.advance();
      for (;;) {
        const p = this.advance();
        if (p.kind === 'var') params.push('$' + p.text);
        else if (p.kind === 'ident' || p.kind === 'keyword') params.push(p.text);
        else throw this.unexpected(p, 'IDENT or $name');
        if (this.isOp(';')) this.advance();
        else break;
      }
      this.expectOp(')');
    }
    this.expectOp(':');
    const body = this.parseExpr(0);
    this.expectOp(';');
    return { name: nameTok.text, params, body, at: start.offset };
  }

  private parsePatterns(): Pattern[] {
    const patterns = [this.parsePattern()];
    while (this.isOp('?//')) {
      this.advance();
      patterns.push(this.parsePattern());
    }
    return patterns;
  }

  private parsePattern(): Pattern {
    const t = this.advance();
    if (t.kind === 'var') return { kind: 'pvar', name: t.text };
    if (t.kind === 'op' && t.text === '[') {
      if (this.isOp(']')) throw this.unexpected(this.peek(), "BINDING or '[' or '{'");
      const items: Pattern[] = [this.parsePattern()];
      while (this.isOp(',')) {
        this.advance();
        items.push(this.parsePattern());
      }
      this.expectOp(']');
      return { kind: 'parray', items };
    }
    if (t.kind === 'op' && t.text === '{') {
      if (this.isOp('}')) throw this.unexpected(this.peek());
      const entries: { key: Node; keyVar: string | null; value: Pattern | null }[] = [];
      do {
        if (entries.length > 0) this.advance();
        entries.push(this.parsePatternEntry());
      } while (this.isOp(','));
      this.expectOp('}');
      return { kind: 'pobject', entries };
    }
    throw this.unexpected(t, "BINDING or '[' or '{'");
  }

  private parsePatternEntry(): { key: Node; keyVar: string | null; value: Pattern | null } {
    const t = this.advance();
    if (t.kind === 'var') {
      const key: Node = { kind: 'literal', at: t.offset, value: t.text };
      if (this.isOp(':')) {
        this.advance();
        return { key, keyVar: t.text, value: this.parsePattern() };
      }
      return { key, keyVar: t.text, value: null };
    }
    let key: Node;
    if (t.kind === 'ident' || t.kind === 'keyword') key = { kind: 'literal', at: t.offset, value: t.text };
    else if (t.kind === 'str') key = this.stringNode(t, null);
    else if (t.kind === 'op' && t.text === '(') {
      key = this.parseExpr(0);
      this.expectOp(')');
      this.checkConstantKey(key);
    } else throw this.unexpected(t);
    this.expectOp(':');
    return { key, keyVar: null, value: this.parsePattern() };
  }

  private checkConstantKey(key: Node): void {
    if (key.kind === 'literal' && typeof key.value !== 'string') {
      const v = key.value;
      const type = v === null ? 'null' : typeof v;
      throw new JqError('compile', `Cannot use ${type} (${JSON.stringify(v)}) as object key`, {
        position: positionOf(this.text, key.at),
      });
    }
  }

  /** A term followed by suffixes: `.foo`, `[e]`, `[e:e]`, `[]`, `?`, `."str"`, `.[e]`. */
  private parsePostfix(): Node {
    const first = this.peek();
    let suffix = first.kind === 'field' || (first.kind === 'op' && first.text === '.' && this.peek(1).kind === 'str');
    let node = this.parsePrimary();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && t.text === '?') {
        this.advance();
        if (suffix && (node.kind === 'index' || node.kind === 'slice' || node.kind === 'iterate') && !node.opt)
          node = { ...node, opt: true };
        else node = { kind: 'try', at: t.offset, body: node, handler: null };
        suffix = false;
        continue;
      }
      suffix = true;
      if (t.kind === 'field') {
        this.advance();
        node = { kind: 'index', at: t.offset, target: node, key: { kind: 'literal', at: t.offset, value: t.text } };
      } else if (t.kind === 'op' && t.text === '.' && this.peek(1).kind === 'str') {
        this.advance();
        const s = this.advance();
        node = { kind: 'index', at: t.offset, target: node, key: this.stringNode(s, null) };
      } else if (t.kind === 'op' && t.text === '.' && this.isOp('[', 1)) {
        this.advance();
      } else if (t.kind === 'op' && t.text === '[') {
        node = this.parseBracketSuffix(node);
      } else return node;
    }
  }

  private parseBracketSuffix(target: Node): Node {
    const open = this.advance();
    const at = open.offset;
    if (this.isOp(']')) {
      this.advance();
      return { kind: 'iterate', at, target };
    }
    if (this.isOp(':')) {
      this.advance();
      const to = this.parseExpr(0);
      this.expectOp(']');
      return { kind: 'slice', at, target, from: null, to };
    }
    const key = this.parseExpr(0);
    if (this.isOp(':')) {
      this.advance();
      if (this.isOp(']')) {
        this.advance();
        return { kind: 'slice', at, target, from: key, to: null };
      }
      const to = this.parseExpr(0);
      this.expectOp(']');
      return { kind: 'slice', at, target, from: key, to };
    }
    this.expectOp(']');
    return { kind: 'index', at, target, key };
  }

  private parsePrimary(): Node {
    const t = this.advance();
    const at = t.offset;
    switch (t.kind) {
      case 'num':
        return { kind: 'literal', at, value: t.num };
      case 'str':
        return this.stringNode(t, null);
      case 'field':
        return { kind: 'index', at, target: { kind: 'identity', at }, key: { kind: 'literal', at, value: t.text } };
      case 'var':
        if (t.text === '__loc__')
          return { kind: 'literal', at, value: { file: '<top-level>', line: positionOf(this.text, at).line } };
        return { kind: 'var', at, name: t.text };
      case 'format':
        if (this.peek().kind === 'str') return this.stringNode(this.advance(), t.text);
        return { kind: 'format', at, name: t.text };
      case 'ident':
        return this.parseCall(t);
      case 'keyword':
        return this.parseKeywordTerm(t);
      case 'op':
        return this.parseOpTerm(t);
      default:
        throw this.unexpected(t);
    }
  }

  private parseOpTerm(t: Token): Node {
    const at = t.offset;
    switch (t.text) {
      case '.':
        if (this.peek().kind === 'str') {
          const s = this.advance();
          return { kind: 'index', at, target: { kind: 'identity', at }, key: this.stringNode(s, null) };
        }
        return { kind: 'identity', at };
      case '..':
        return { kind: 'recurse', at };
      case '(': {
        const e = this.parseExpr(0);
        this.expectOp(')');
        return e;
      }
      case '[': {
        if (this.isOp(']')) {
          this.advance();
          return { kind: 'array', at, body: null };
        }
        const body = this.parseExpr(0);
        this.expectOp(']');
        return { kind: 'array', at, body };
      }
      case '{':
        return this.parseObject(at);
      case '-':
        return { kind: 'neg', at, operand: this.parsePostfix() };
      default:
        throw this.unexpected(t);
    }
  }

  private parseKeywordTerm(t: Token): Node {
    const at = t.offset;
    switch (t.text) {
      case 'if':
        return this.parseIf(at);
      case 'try': {
        const body = this.parsePostBody();
        let handler: Node | null = null;
        if (this.isKeyword('catch')) {
          this.advance();
          handler = this.parsePostBody();
        }
        return { kind: 'try', at, body, handler };
      }
      case 'reduce':
      case 'foreach': {
        const source = this.parseExpr(AS_BP + 1);
        this.expectKeyword('as');
        const patterns = this.parsePatterns();
        this.expectOp('(');
        const init = this.parseExpr(0);
        this.expectOp(';');
        const update = this.parseExpr(0);
        if (t.text === 'reduce') {
          this.expectOp(')');
          return { kind: 'reduce', at, source, patterns, init, update };
        }
        let extract: Node | null = null;
        if (this.isOp(';')) {
          this.advance();
          extract = this.parseExpr(0);
        }
        this.expectOp(')');
        return { kind: 'foreach', at, source, patterns, init, update, extract };
      }
      case 'def': {
        this.i--;
        const def = this.parseFuncDef();
        return { kind: 'def', at, def, body: this.parsePostfix() };
      }
      default:
        throw this.unexpected(t);
    }
  }

  /** try/catch bodies bind tighter than any infix operator (jq's %precedence "try"/"catch"). */
  private parsePostBody(): Node {
    if (this.isOp('-')) {
      const m = this.advance();
      return { kind: 'neg', at: m.offset, operand: this.parsePostfix() };
    }
    return this.parsePostfix();
  }

  private parseIf(at: number): Node {
    const cond = this.parseExpr(0);
    this.expectKeyword('then');
    const then = this.parseExpr(0);
    if (this.isKeyword('elif')) {
      const elifTok = this.advance();
      return { kind: 'if', at, cond, then, else: this.parseIf(elifTok.offset) };
    }
    let otherwise: Node | null = null;
    if (this.isKeyword('else')) {
      this.advance();
      otherwise = this.parseExpr(0);
    }
    this.expectKeyword('end');
    return { kind: 'if', at, cond, then, else: otherwise };
  }

  private parseCall(t: Token): Node {
    const at = t.offset;
    if (t.text === 'break') {
      const v = this.advance();
      if (v.kind !== 'var') throw this.unexpected(v, '$name');
      return { kind: 'break', at, name: v.text };
    }
    if (!this.isOp('(') && (t.text === 'true' || t.text === 'false' || t.text === 'null')) {
      return { kind: 'literal', at, value: t.text === 'null' ? null : t.text === 'true' };
    }
    const args: Node[] = [];
    if (this.isOp('(')) {
      this.advance();
      args.push(this.parseExpr(0));
      while (this.isOp(';')) {
        this.advance();
        args.push(this.parseExpr(0));
      }
      this.expectOp(')');
    }
    return { kind: 'call', at, name: t.text, args };
  }

  private parseObject(at: number): Node {
    const entries: ObjectEntry[] = [];
    while (!this.isOp('}')) {
      if (entries.length > 0) this.expectOp(',');
      if (this.isOp('}')) break; // jq tolerates no trailing comma, but be lenient
      entries.push(this.parseObjectEntry());
    }
    this.expectOp('}');
    return { kind: 'object', at, entries };
  }

  private parseObjectEntry(): ObjectEntry {
    const t = this.advance();
    let key: Node;
    if (t.kind === 'var') {
      if (t.text === '__loc__') {
        const line = positionOf(this.text, t.offset).line;
        return {
          key: { kind: 'literal', at: t.offset, value: '__loc__' },
          value: { kind: 'literal', at: t.offset, value: { file: '<top-level>', line } },
        };
      }
      const varNode: Node = { kind: 'var', at: t.offset, name: t.text };
      if (this.isOp(':')) {
        // `{$k: v}` uses the variable's value as the key (jq 1.7+)
        this.advance();
        return { key: varNode, value: this.parseObjectValue() };
      }
      return { key: { kind: 'literal', at: t.offset, value: t.text }, value: varNode };
    }
    if (t.kind === 'ident' || t.kind === 'keyword') key = { kind: 'literal', at: t.offset, value: t.text };
    else if (t.kind === 'str') key = this.stringNode(t, null);
    else if (t.kind === 'format' && this.peek().kind === 'str') key = this.stringNode(this.advance(), t.text);
    else if (t.kind === 'op' && t.text === '(') {
      key = this.parseExpr(0);
      this.expectOp(')');
      this.checkConstantKey(key);
    } else if (t.kind === 'num') {
      throw new JqError('compile', 'May need parentheses around object key expression', {
        position: positionOf(this.text, t.offset),
      });
    } else throw this.unexpected(t);
    if (!this.isOp(':')) return { key, value: null };
    this.advance();
    return { key, value: this.parseObjectValue() };
  }

  private parseObjectValue(): Node {
    let value = this.parseExpr(OBJECT_VALUE_BP);
    while (this.isOp('|')) {
      const p = this.advance();
      value = { kind: 'pipe', at: p.offset, left: value, right: this.parseExpr(OBJECT_VALUE_BP) };
    }
    return value;
  }

  private stringNode(t: Token, format: string | null): Node {
    const parts: (string | Node)[] = (t.parts ?? [t.text]).map((p: StringPart) => {
      if (typeof p === 'string') return p;
      const sub = new Parser(this.text, p);
      const node = sub.parseExpr(0);
      sub.expectEof();
      return node;
    });
    if (format === null && parts.length === 1 && typeof parts[0] === 'string')
      return { kind: 'literal', at: t.offset, value: parts[0] };
    return { kind: 'string', at: t.offset, format, parts };
  }
}
