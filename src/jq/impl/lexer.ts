import { parseError } from './errors';

/** Token kinds: punctuation/operators are their own text; the rest are named kinds. */
export type TokenKind = 'num' | 'str' | 'ident' | 'field' | 'var' | 'format' | 'keyword' | 'op' | 'eof';

/** A string literal is a list of literal parts and interpolated token lists. */
export type StringPart = string | Token[];

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly offset: number;
  readonly num?: number;
  readonly parts?: StringPart[];
}

const KEYWORDS = new Set([
  'def',
  'if',
  'then',
  'elif',
  'else',
  'end',
  'as',
  'reduce',
  'foreach',
  'try',
  'catch',
  'label',
  'import',
  'include',
  'and',
  'or',
  '__loc__',
  'module',
]);

/** Longest operators first so that maximal munch works. */
const OPERATORS = [
  '?//=',
  '?//',
  '//=',
  '|=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '==',
  '!=',
  '<=',
  '>=',
  '//',
  '..',
  '.',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  '|',
  ',',
  ':',
  ';',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '?',
  '$',
];

const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdentChar = (c: string): boolean => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

export function tokenize(text: string): Token[] {
  const lexer = new Lexer(text);
  const tokens = lexer.run(false);
  return tokens;
}

class Lexer {
  private pos = 0;
  constructor(private readonly text: string) {}

  /** Lexes until EOF, or (nested=true) until the ')' closing a string interpolation. */
  run(nested: boolean): Token[] {
    const out: Token[] = [];
    let depth = 0;
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) {
        if (nested) throw parseError(this.text, this.pos, 'unterminated string interpolation');
        out.push({ kind: 'eof', text: '', offset: this.pos });
        return out;
      }
      const c = this.text[this.pos];
      if (nested && c === ')' && depth === 0) {
        this.pos++;
        out.push({ kind: 'eof', text: '', offset: this.pos - 1 });
        return out;
      }
      const tok = this.next();
      if (tok.kind === 'op' && tok.text === '(') depth++;
      if (tok.kind === 'op' && tok.text === ')') depth--;
      out.push(tok);
    }
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\uFEFF') this.pos++;
      else if (c === '#') {
        // jq 1.7: a backslash before the newline continues the comment
        while (this.pos < t.length && t[this.pos] !== '\n') {
          if (t[this.pos] === '\\' && this.pos + 1 < t.length) this.pos++;
          this.pos++;
        }
      } else break;
    }
  }

  private next(): Token {
    const t = this.text;
    const start = this.pos;
    const c = t[start];
    if (c === '"') return this.string(start);
    if (isDigit(c) || (c === '.' && isDigit(t[start + 1] ?? ''))) return this.number(start);
    if (c === '.' && isIdentStart(t[start + 1] ?? '')) {
      this.pos++;
      const name = this.ident();
      return { kind: 'field', text: name, offset: start };
    }
    if (c === '$' && isIdentStart(t[start + 1] ?? '')) {
      this.pos++;
      const name = this.identWithModule();
      return { kind: 'var', text: name, offset: start };
    }
    if (c === '@' && isIdentStart(t[start + 1] ?? '')) {
      this.pos++;
      return { kind: 'format', text: this.ident(), offset: start };
    }
    if (isIdentStart(c)) {
      const name = this.identWithModule();
      return { kind: KEYWORDS.has(name) ? 'keyword' : 'ident', text: name, offset: start };
    }
    for (const op of OPERATORS) {
      if (t.startsWith(op, start)) {
        this.pos += op.length;
        return { kind: 'op', text: op, offset: start };
      }
    }
    throw parseError(t, start, `syntax error, unexpected INVALID_CHARACTER '${c}'`);
  }

  private ident(): string {
    const start = this.pos;
    while (this.pos < this.text.length && isIdentChar(this.text[this.pos])) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private identWithModule(): string {
    let name = this.ident();
    while (this.text.startsWith('::', this.pos) && isIdentStart(this.text[this.pos + 2] ?? '')) {
      this.pos += 2;
      name += '::' + this.ident();
    }
    return name;
  }

  private number(start: number): Token {
    const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(this.text.slice(start));
    const s = m ? m[0] : '';
    this.pos = start + s.length;
    return { kind: 'num', text: s, offset: start, num: Number(s) };
  }

  private string(start: number): Token {
    const t = this.text;
    this.pos++;
    const parts: StringPart[] = [];
    let buf = '';
    for (;;) {
      if (this.pos >= t.length) throw parseError(t, start, 'unterminated string literal');
      const c = t[this.pos];
      if (c === '"') {
        this.pos++;
        break;
      }
      if (c !== '\\') {
        buf += c;
        this.pos++;
        continue;
      }
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case 'n':
          buf += '\n';
          break;
        case 't':
          buf += '\t';
          break;
        case 'r':
          buf += '\r';
          break;
        case 'b':
          buf += '\b';
          break;
        case 'f':
          buf += '\f';
          break;
        case '\\':
          buf += '\\';
          break;
        case '/':
          buf += '/';
          break;
        case '"':
          buf += '"';
          break;
        case 'u':
          buf += this.unicodeEscape(start);
          break;
        case '(':
          if (buf !== '' || parts.length === 0) parts.push(buf);
          buf = '';
          parts.push(this.run(true));
          break;
        default:
          throw parseError(t, this.pos - 2, `Invalid escape at line 1, column 4 (while parsing '"\\${e ?? ''}"')`);
      }
    }
    parts.push(buf);
    const plain = parts.length === 1 ? (parts[0] as string) : undefined;
    return { kind: 'str', text: plain ?? '', offset: start, parts };
  }

  private unicodeEscape(start: number): string {
    const hex = this.text.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw parseError(this.text, start, 'Invalid \\uXXXX escape');
    this.pos += 4;
    return String.fromCharCode(parseInt(hex, 16));
  }
}
