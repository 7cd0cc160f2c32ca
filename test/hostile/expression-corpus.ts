/**
 * The runtime corpus aimed at expressions: jq programs that parse and validate, then try to run forever,
 * recurse without end, blow up memory or backtrack catastrophically when a run evaluates them. Each case
 * names the exact outcome: the jq error its evaluation ends with (a DSL expression error whose detail
 * starts with the jq error code and ends with the jq message), or the output where it legitimately completes.
 */

export type ExpressionOutcome =
  /** The run completes; its output is `{ v: value }`. */
  | { readonly output: unknown }
  /** The run faults with an expression error: jq error `code` and a message matching `message`. */
  | { readonly code: 'budget' | 'runtime' | 'user' | 'halt'; readonly message: RegExp };

export interface ExpressionCase {
  readonly id: string;
  /** The jq program, evaluated as `set: { v: ${ program } }` on input `{}`. */
  readonly program: string;
  readonly expect: ExpressionOutcome;
}

/** Workflow expressions run with 2,000,000 steps (EXPRESSION_BUDGET in src/zigflow/dsl/expressions.ts). */
const steps = { code: 'budget', message: /^jq budget exceeded: maxSteps \(limit 2000000\)$/ } as const;
const outputs = { code: 'budget', message: /^jq budget exceeded: maxOutputs \(limit 1000000\)$/ } as const;
/** Recursion stops at the call-depth limit, or where the JavaScript stack would overflow first. */
const depth = {
  code: 'budget',
  message: /^jq budget exceeded: maxDepth \((the JavaScript stack overflowed; )?limit 500\)$/,
} as const;
const invalidRegex = (pattern: string, why: RegExp): ExpressionOutcome => ({
  code: 'runtime',
  message: new RegExp(
    `^${pattern.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} \\(at offset \\d+\\) is not a valid regex: ${why.source}`,
  ),
});
const linearOnly =
  /.* is not supported in a pattern with repetition \(\*, \+, \?, \{n,m\}\), which must match in linear time$/;

/** Regular expressions: catastrophic backtracking patterns complete in linear time; what RE2 cannot run is refused. */
const REGEX: ExpressionCase[] = [
  { id: 'nested quantifier, 40 characters', program: '("a" * 40 + "b") | test("^(a+)+$")', expect: { output: false } },
  {
    id: 'nested quantifier, 10,000 characters',
    program: '("a" * 10000 + "b") | test("^(a+)+$")',
    expect: { output: false },
  },
  { id: 'nested quantifier that matches', program: '("a" * 10000) | test("^(a+)+$")', expect: { output: true } },
  {
    id: 'overlapping alternation under star',
    program: '("a" * 30 + "!") | test("^(a|a)*$")',
    expect: { output: false },
  },
  {
    id: 'overlapping alternation under plus',
    program: '("a" * 5000 + "!") | test("^(a|aa)+$")',
    expect: { output: false },
  },
  { id: 'adjacent nested quantifiers', program: '("x" * 10000) | test("(x+x+)+y")', expect: { output: false } },
  {
    id: 'many-way alternation on 100,000 characters',
    program: '("a" * 100000) | test("(a|b|c|d|e|f)+z")',
    expect: { output: false },
  },
  { id: 'star of star on 10,000 characters', program: '("a" * 10000) | test("(a*)*b")', expect: { output: false } },
  {
    id: 'case-insensitive nested quantifier',
    program: '("A" * 10000 + "b") | test("^(a+)+$"; "i")',
    expect: { output: false },
  },
  {
    id: 'extended-mode nested quantifier',
    program: '("a" * 10000 + "b") | test("^ ( a+ )+ $"; "x")',
    expect: { output: false },
  },
  {
    id: 'match of a catastrophic pattern',
    program: '("a" * 10000 + "b") | [match("(a+)+c")] | length',
    expect: { output: 0 },
  },
  {
    id: 'capture through a nested quantifier',
    program: '("a" * 10000) | capture("(?<x>a+)+") | .x | length',
    expect: { output: 10000 },
  },
  {
    id: 'scan with a nested quantifier',
    program: '("ab" * 5000) | [scan("(?:a|b)+")] | length',
    expect: { output: 1 },
  },
  { id: 'gsub with a nested quantifier', program: '("ab" * 5000) | gsub("(a|b)+"; "-")', expect: { output: '-' } },
  {
    id: 'sub with a pattern that never matches',
    program: '("a" * 10000) | sub("(a*)*b"; "x") | length',
    expect: { output: 10000 },
  },
  {
    id: 'lazy star, global, 5,000 empty matches',
    program: '("a" * 5000) | [match("a*?"; "g")] | length',
    expect: { output: 5001 },
  },
  { id: 'scan of 20,000 single matches', program: '("a" * 20000) | [scan("a")] | length', expect: { output: 20000 } },
  {
    id: 'split of 100,000 pieces by a quantified separator',
    program: '("a," * 100000) | split(", *"; null) | length',
    expect: { output: 100001 },
  },
  {
    id: 'gsub of 100,000 matches',
    program: '("a" * 100000) | gsub("a"; "b") | length',
    expect: { output: 100000 },
  },
  {
    id: 'backreference under repetition',
    program: '"aaaa" | test("(a+)\\\\1")',
    expect: invalidRegex('(a+)\\1', linearOnly),
  },
  { id: 'lookahead under repetition', program: '"aaa" | test("(?=a)a+")', expect: invalidRegex('(?=a)a+', linearOnly) },
  {
    id: 'lookbehind under repetition',
    program: '"aaa" | test("(?<=a)a*")',
    expect: invalidRegex('(?<=a)a*', linearOnly),
  },
  {
    id: 'repeat count over RE2 limit',
    program: '"aaa" | test("a{2000}")',
    expect: invalidRegex('a{2000}', /error parsing regexp: invalid repeat count/),
  },
  {
    id: 'unterminated group',
    program: '"x" | test("(a+")',
    expect: invalidRegex('(a+', /error parsing regexp: missing closing \)/),
  },
  {
    id: 'lookahead without repetition still works',
    program: '"quu" | gsub("(?=u)"; "-")',
    expect: { output: 'q-u-u' },
  },
  {
    id: 'backreference without repetition still works',
    program: '"abab" | test("(ab)\\\\1")',
    expect: { output: true },
  },
];

/** Recursion and generators that never end. */
const RECURSION: ExpressionCase[] = [
  { id: 'def f: f; f', program: 'def f: f; f', expect: depth },
  { id: 'recursion through a filter argument', program: 'def f(g): f(g); f(.)', expect: depth },
  { id: 'recursion inside array construction', program: 'def f: [f]; f', expect: depth },
  { id: 'mutual recursion', program: 'def f: def g: f; g; f', expect: depth },
  { id: 'deep countdown', program: 'def f: if . > 0 then . - 1 | f else . end; 100000 | f', expect: depth },
  { id: 'recursion through ltrimstr', program: 'def f: ltrimstr("a") | f; "aaa" | f', expect: depth },
  { id: 'recurse without end', program: '0 | [recurse(. + 1)] | length', expect: depth },
  { id: 'limit(1e9; repeat(.)) collected', program: '[limit(1e9; repeat(.))] | length', expect: steps },
  { id: 'limit(1e9; repeat(.)) as outputs', program: 'limit(1e9; repeat(.))', expect: outputs },
  { id: 'repeat under a label', program: 'label $out | repeat(.)', expect: outputs },
  { id: 'first of an endless generator completes', program: 'first(repeat(7))', expect: { output: 7 } },
  { id: 'while true collected', program: '[while(true; .)] | length', expect: steps },
  { id: 'until that never holds', program: '0 | until(. > 1e18; . + 0)', expect: steps },
  { id: 'until over a doubling array', program: '[1] | until(length > 1e9; . + .)', expect: steps },
  { id: 'until over a growing string', program: '"x" | until(false; tojson)', expect: steps },
];

/** Huge ranges, deep reduce/foreach, and work that grows with every step. */
const LOOPS: ExpressionCase[] = [
  { id: 'range(1e12) filtered to nothing', program: 'range(1e12) | select(. == -1)', expect: steps },
  { id: 'fractional range of a billion steps', program: '[range(0; 1e9; 0.001)] | length', expect: steps },
  { id: 'ten million range values collected', program: '[range(1e7)] | length', expect: steps },
  { id: 'reduce over 1e8', program: 'reduce range(1e8) as $i (0; . + 1)', expect: steps },
  { id: 'foreach over 1e8', program: '[foreach range(1e8) as $i (0; . + 1; empty)]', expect: steps },
  { id: 'reduce appending to an array', program: 'reduce range(1e6) as $i ([]; . + [$i]) | length', expect: steps },
  {
    id: 'reduce assigning object keys',
    program: 'reduce range(1e5) as $i ({}; .["k\\($i)"] = $i) | length',
    expect: steps,
  },
  { id: 'reduce assigning array indices', program: 'reduce range(1e5) as $i ([]; .[$i] = $i) | length', expect: steps },
  {
    id: 'reduce deleting from a big array',
    program: 'reduce range(1e5) as $i ([range(1e5)]; del(.[0])) | length',
    expect: steps,
  },
  { id: 'reduce merging objects', program: 'reduce range(1e6) as $i ({}; . + {"k\\($i)": 1}) | length', expect: steps },
  {
    id: 'nested generators, ten million combinations',
    program:
      '[range(10) as $a | range(10) as $b | range(10) as $c | range(10) as $d | range(10) as $e | range(10) as $f | range(10) as $g | 1] | length',
    expect: steps,
  },
  {
    id: 'combinations of 30 arrays',
    program: '[range(30)] as $a | [range(30) | $a] | [combinations] | length',
    expect: steps,
  },
  {
    id: 'map_values over 100,000 elements completes',
    program: '[range(100000)] | map_values(. + 1) | add',
    expect: { output: 5000050000 },
  },
  {
    id: 'update of every element completes',
    program: '[range(100000)] | .[] |= . * 2 | .[-1]',
    expect: { output: 199998 },
  },
];

/** Huge values: strings, arrays, objects, paths, serialization, deep nesting. */
const VALUES: ExpressionCase[] = [
  { id: 'string repetition past the budget', program: '"abc" * 1e7 | length', expect: steps },
  {
    id: 'string repetition of a billion',
    program: '"x" * 1e9',
    expect: { code: 'runtime', message: /^Repeat string result too long$/ },
  },
  { id: 'string repetition within the budget', program: '"x" * 5e5 | length', expect: { output: 500000 } },
  { id: '@base64d of 400 kB', program: '("QUFB" * 1e5) | @base64d | length', expect: { output: 300000 } },
  { id: '@base64d chain over 8 MB', program: '("QUFB" * 2e6) | @base64d | @base64 | @base64d | length', expect: steps },
  { id: '@base64 of a serialized million', program: '[range(1e6)] | tostring | @base64 | length', expect: steps },
  { id: 'array element far out', program: 'null | .[100000000] = 1', expect: steps },
  { id: 'paths of 300,000 elements', program: '[range(3e5)] | [paths] | length', expect: { output: 300000 } },
  {
    id: 'paths of a value 5,000 levels deep',
    program: 'reduce range(5000) as $i (null; [.]) | [paths] | length',
    expect: steps,
  },
  {
    id: 'tojson of a value 100,000 levels deep',
    program: 'reduce range(100000) as $i (null; [.]) | tojson | length',
    expect: depth,
  },
  {
    id: 'tostream of a value 5,000 levels deep',
    program: 'reduce range(5000) as $i (null; [.]) | [tostream] | length',
    expect: steps,
  },
  {
    id: 'recursive descent 100,000 levels deep',
    program: 'reduce range(100000) as $i (null; [.]) | [..] | length',
    expect: depth,
  },
  { id: 'walk 3,000 levels deep', program: 'reduce range(3000) as $i (null; [.]) | walk(.) | length', expect: depth },
  { id: 'setpath 100,000 levels deep', program: '[range(100000) | 0] as $p | null | setpath($p; 1)', expect: depth },
  {
    id: 'fromjson of 100,000 nested arrays',
    program: '("[" * 100000) + ("]" * 100000) | fromjson | tojson | length',
    expect: depth,
  },
  {
    id: 'fromjson of 100,000 open brackets',
    program: '"[" * 100000 | try fromjson catch "refused"',
    expect: { output: 'refused' },
  },
  { id: 'sort_by over a million', program: '[range(1e6)] | sort_by(-.) | length', expect: steps },
  { id: 'group_by over a million', program: '[range(1e6)] | group_by(. % 10) | length', expect: steps },
  { id: 'unique over a million', program: '[range(1e6)] | unique | length', expect: steps },
  { id: 'tojson | fromjson of a million', program: '[range(1e6)] | tojson | fromjson | length', expect: steps },
  {
    id: 'from_entries of 200,000 entries',
    program: '[range(200000)] | map({key: tostring, value: .}) | from_entries | length',
    expect: steps,
  },
  {
    id: 'object with 100,000 generated keys',
    program: '[{(range(100000) | tostring): 1}] | length',
    expect: { output: 100000 },
  },
  {
    id: 'join of 100,000 strings',
    program: '[range(1e5) | tostring] | join(",") | length',
    expect: { output: 588889 },
  },
  {
    id: 'implode of 200,000 code points',
    program: '[range(2e5) | 97] | implode | length',
    expect: { output: 200000 },
  },
  { id: 'indices in 400 kB', program: '("ab" * 2e5) | indices("b") | length', expect: { output: 200000 } },
];

/** Errors a program raises on purpose or by mistake (host capabilities such as `input` and `halt` are refused at validation). */
const RAISED: ExpressionCase[] = [
  { id: 'error with a message', program: 'error("boom")', expect: { code: 'user', message: /^boom$/ } },
  {
    id: 'error with an object',
    program: 'error({a: 1})',
    expect: { code: 'user', message: /^\{"a":1\} \(not a string\)$/ },
  },
  { id: 'error caught by try', program: 'try error("boom") catch .', expect: { output: 'boom' } },
  {
    id: 'number parsed from text',
    program: '"twelve" | tonumber',
    expect: { code: 'runtime', message: /^string \("twelve"\) cannot be parsed as a number$/ },
  },
  {
    id: 'index of the wrong type',
    program: '{a: 1} | .[0]',
    expect: { code: 'runtime', message: /^Cannot index object with number \(0\)$/ },
  },
];

export function expressionCorpus(): ExpressionCase[] {
  return [...REGEX, ...RECURSION, ...LOOPS, ...VALUES, ...RAISED];
}
