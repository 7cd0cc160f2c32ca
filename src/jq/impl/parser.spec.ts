import { JqError } from './errors';
import { tokenize } from './lexer';
import { parse } from './parser';

function parseFailure(text: string): JqError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof JqError) return e;
    throw e;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('lexer', () => {
  it('tokenizes fields, variables, formats, keywords and operators', () => {
    const kinds = tokenize('.foo | $x as @base64 ?// //= 1.5e3 "s"').map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual([
      'field:foo',
      'op:|',
      'var:x',
      'keyword:as',
      'format:base64',
      'op:?//',
      'op://=',
      'num:1.5e3',
      'str:s',
      'eof:',
    ]);
  });

  it('splits string interpolation into parts', () => {
    const [t] = tokenize('"a\\(1 + 2)b"');
    expect(t.parts?.length).toBe(3);
  });

  it('reports invalid escapes with a position', () => {
    const e = parseFailure('"u\\vw"');
    expect(e.code).toBe('parse');
    expect(e.position).toEqual({ offset: 2, line: 1, column: 3 });
  });
});

describe('parser', () => {
  it('gives arithmetic its precedence and `as` the whole left side', () => {
    expect(parse('1 + 2 * 3')).toMatchObject({ kind: 'binary', op: '+', right: { kind: 'binary', op: '*' } });
    expect(parse('1 + 2 as $x | $x')).toMatchObject({ kind: 'bind', source: { kind: 'binary', op: '+' } });
    expect(parse('.a, .b | .c')).toMatchObject({ kind: 'pipe', left: { kind: 'comma' } });
  });

  it('marks `?` after an index suffix as optional indexing only', () => {
    expect(parse('.a.b?')).toMatchObject({ kind: 'index', opt: true, target: { kind: 'index' } });
    expect(parse('(.a)?')).toMatchObject({ kind: 'try' });
  });

  it('reports syntax errors with line and column', () => {
    const e = parseFailure('.a |\n  ]');
    expect(e.message).toContain("unexpected ']'");
    expect(e.position).toEqual({ offset: 7, line: 2, column: 3 });
  });

  it('rejects constant non-string object keys and modules at compile time', () => {
    expect(parseFailure('{(0):1}').message).toContain('Cannot use number (0) as object key');
    expect(parseFailure('import "a" as a; .').code).toBe('compile');
    expect(parseFailure('. as [] | null').code).toBe('parse');
  });
});
