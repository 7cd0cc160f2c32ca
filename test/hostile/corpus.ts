/**
 * The hostile-document corpus: workflow documents that must each be refused at load time with a
 * specific problem (kind, JSON pointer and a message fragment). Most cases are generated: every typed
 * field of a valid reference document receives values of the wrong types, every task kind receives
 * malformed bodies, and expressions, `then` targets, nesting and size are broken systematically.
 */
import { stringify } from 'yaml';

export interface HostileCase {
  id: string;
  text: string;
  /** What the loader must report (at least one problem matching all given fields). */
  expect: {
    kind: 'yaml' | 'schema' | 'semantic' | 'limits';
    /** Exact JSON pointer, or a predicate for fields the schema reports at an enclosing node. */
    pointer?: string | ((pointer: string) => boolean);
    fragment?: string | RegExp;
  };
}

const HEADER = { dsl: '1.0.0', namespace: 'hostile', name: 'corpus', version: '1.0.0' };

export function doc(tasks: unknown[], extra: Record<string, unknown> = {}): string {
  return stringify({ document: HEADER, ...extra, do: tasks }, { aliasDuplicateObjects: false });
}

const okTask = { ok: { set: { done: true } } };

/** A valid document exercising most typed fields; wrong-type cases mutate one field of it at a time. */
export function referenceDocument(): Record<string, any> {
  return {
    document: {
      ...HEADER,
      title: 'Reference',
      summary: 'every typed field',
      tags: { team: 'a' },
      metadata: { k: 'v' },
    },
    input: { schema: { format: 'json', document: { type: 'object' } }, from: '${ . }' },
    timeout: { after: { minutes: 5 } },
    use: {
      secrets: ['apiKey'],
      errors: { notFound: { type: 'https://example.com/not-found', status: 404 } },
      retries: { quick: { delay: { seconds: 1 }, limit: { attempt: { count: 3 } } } },
      timeouts: { short: { after: { seconds: 10 } } },
    },
    do: [
      { assign: { set: { a: 1 }, if: '${ true }', export: { as: '${ . }' }, output: { as: '${ . }' } } },
      { route: { switch: [{ yes: { when: '${ .a == 1 }', then: 'loop' } }, { no: { then: 'end' } }] } },
      { loop: { for: { each: 'item', in: '${ [1,2] }', at: 'index' }, while: '${ true }', do: [okTask] } },
      { split: { fork: { compete: false, branches: [okTask] } } },
      {
        guarded: {
          try: [
            {
              fetch: {
                call: 'http',
                with: { method: 'get', endpoint: 'http://127.0.0.1:1/x', redirect: false, output: 'content' },
              },
            },
          ],
          catch: { as: 'err', errors: { with: { status: 503 } }, retry: 'quick' },
        },
      },
      { pause: { wait: { milliseconds: 10 }, timeout: 'short' } },
      { fail: { raise: { error: 'notFound' }, if: '${ false }' } },
      { say: { emit: { event: { with: { source: 'https://example.com', type: 'com.example.said' } } }, then: 'end' } },
    ],
  };
}

/** Pointer → the kind of value the schema demands there, and wrong values to try. */
const TYPED_FIELDS: Array<[string, 'string' | 'object' | 'array' | 'boolean' | 'duration' | 'integer']> = [
  ['/document/dsl', 'string'],
  ['/document/namespace', 'string'],
  ['/document/name', 'string'],
  ['/document/version', 'string'],
  ['/document/title', 'string'],
  ['/document/summary', 'string'],
  ['/document/tags', 'object'],
  ['/document/metadata', 'object'],
  ['/input', 'object'],
  ['/input/schema', 'object'],
  ['/timeout', 'object'],
  ['/timeout/after', 'duration'],
  ['/use', 'object'],
  ['/use/secrets', 'array'],
  ['/use/errors', 'object'],
  ['/use/errors/notFound', 'object'],
  ['/use/errors/notFound/type', 'string'],
  ['/use/retries', 'object'],
  ['/use/retries/quick', 'object'],
  ['/use/retries/quick/delay', 'duration'],
  ['/use/retries/quick/limit/attempt/count', 'integer'],
  ['/use/timeouts/short', 'object'],
  ['/do', 'array'],
  ['/do/0/assign/export', 'object'],
  ['/do/0/assign/output', 'object'],
  ['/do/0/assign/if', 'string'],
  ['/do/1/route/switch', 'array'],
  ['/do/1/route/switch/0/yes/then', 'string'],
  ['/do/2/loop/for', 'object'],
  ['/do/2/loop/for/each', 'string'],
  ['/do/2/loop/for/in', 'string'],
  ['/do/2/loop/for/at', 'string'],
  ['/do/2/loop/while', 'string'],
  ['/do/2/loop/do', 'array'],
  ['/do/3/split/fork', 'object'],
  ['/do/3/split/fork/branches', 'array'],
  ['/do/3/split/fork/compete', 'boolean'],
  ['/do/4/guarded/try', 'array'],
  ['/do/4/guarded/catch', 'object'],
  ['/do/4/guarded/catch/as', 'string'],
  ['/do/4/guarded/catch/errors', 'object'],
  ['/do/4/guarded/try/0/fetch/call', 'string'],
  ['/do/4/guarded/try/0/fetch/with', 'object'],
  ['/do/4/guarded/try/0/fetch/with/method', 'string'],
  ['/do/4/guarded/try/0/fetch/with/redirect', 'boolean'],
  ['/do/5/pause/wait', 'duration'],
  ['/do/6/fail/raise', 'object'],
  ['/do/7/say/emit', 'object'],
  ['/do/7/say/emit/event', 'object'],
  ['/do/7/say/then', 'string'],
];

const WRONG_VALUES: Record<string, unknown[]> = {
  string: [42, true, ['a'], { a: 1 }],
  object: [42, false, ['a']],
  array: [42, 'text', { a: 1 }],
  boolean: ['yes', 1, ['true']],
  duration: [true, ['PT1S'], { fortnights: 2 }],
  integer: ['three', 2.5, true, { n: 3 }],
};

function setAt(target: Record<string, any>, pointer: string, value: unknown): void {
  const tokens = pointer.slice(1).split('/');
  let node: any = target;
  for (const t of tokens.slice(0, -1)) node = node[Array.isArray(node) ? Number(t) : t];
  const last = tokens[tokens.length - 1];
  node[Array.isArray(node) ? Number(last) : last] = value;
}

/** The problem may sit at the field, inside it, or at the enclosing task/definition it makes invalid. */
function nearPointer(field: string): (pointer: string) => boolean {
  const parts = field.split('/');
  const depth = field.startsWith('/do/') ? 3 : 2;
  const floor = parts.slice(0, Math.min(parts.length, depth)).join('/');
  return (pointer) => pointer.startsWith(field) || (field.startsWith(pointer) && pointer.length >= floor.length);
}

function wrongTypeCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const [pointer, type] of TYPED_FIELDS) {
    for (const [i, value] of WRONG_VALUES[type].entries()) {
      const document = referenceDocument();
      setAt(document, pointer, value);
      cases.push({
        id: `wrong-type ${pointer} #${i} (${JSON.stringify(value)})`,
        text: stringify(document),
        expect: { kind: 'schema', pointer: nearPointer(pointer) },
      });
    }
  }
  return cases;
}

const BROKEN_YAML: Array<[string, string]> = [
  ['unclosed flow sequence', 'document: [\n  dsl: 1.0.0\n'],
  ['unclosed flow mapping', 'document: { dsl: "1.0.0"\ndo: []\n'],
  ['unclosed double quote', 'document:\n  dsl: "1.0.0\ndo: []\n'],
  ['unclosed single quote', "document:\n  name: 'abc\ndo: []\n"],
  ['tab indentation', 'document:\n\tdsl: 1.0.0\n'],
  ['bad indentation', 'document:\n  dsl: 1.0.0\n   name: x\n'],
  ['duplicate key', 'document:\n  dsl: 1.0.0\n  dsl: 1.0.1\ndo: []\n'],
  ['undefined alias', 'document: *nothing\ndo: []\n'],
  ['bad escape', 'document:\n  name: "a\\qb"\ndo: []\n'],
  ['stray block indicator', 'document:\n  - a\n  b: c\n'],
  ['key after scalar', 'document: x\n  dsl: y\n'],
  ['two documents', 'document: {}\n---\ndocument: {}\n'],
  ['unterminated block map in seq', 'do:\n  - a: b\n  c\n  - d\n'],
  ['anchor on nothing', 'document: &a\n&b\n'],
  ['mixed flow close', 'do: [ { a: 1 ]\n'],
  ['unclosed flow in flow', 'do: [ [ [ 1, 2 ]\n'],
  ['comma outside flow', 'document: a, b: c\n  x: y\n'],
  ['unindented continuation', 'document:\n  name: "a\nb"\n c: d\n'],
  ['reserved indicator', 'document: @value\n'],
  ['backtick indicator', 'document: `value`\n'],
];

/** Valid YAML that is still no workflow: the schema names what is missing. */
const YAML_BUT_NOT_WORKFLOW: Array<[string, string, string]> = [
  ['unknown directive', '%YAML 9.9\n---\ndocument: {}\n', "'do'"],
  ['binary tag', 'document: !!binary 3\n', "'do'"],
  ['nul bytes in values', 'document:\n  dsl: "\u0000\u0000"\n\u0000: 1\n', "'do'"],
  ['flow map key without colon', 'document: { dsl "1.0.0" }\n', "'dsl'"],
  ['only a colon', ':\n', "'document'"],
];

function brokenYamlCases(): HostileCase[] {
  const cases: HostileCase[] = BROKEN_YAML.map(([name, text]) => ({
    id: `yaml: ${name}`,
    text,
    expect: { kind: 'yaml' as const },
  }));
  for (const [name, text, fragment] of YAML_BUT_NOT_WORKFLOW) {
    cases.push({ id: `not a workflow: ${name}`, text, expect: { kind: 'schema', fragment } });
  }
  cases.push({ id: 'yaml: empty document', text: '', expect: { kind: 'yaml', fragment: 'empty' } });
  cases.push({ id: 'yaml: only comments', text: '# nothing\n# here\n', expect: { kind: 'yaml', fragment: 'empty' } });
  cases.push({
    id: 'not a mapping: list',
    text: '- a\n- b\n',
    expect: { kind: 'schema', pointer: '', fragment: 'a list' },
  });
  cases.push({
    id: 'not a mapping: scalar',
    text: '42\n',
    expect: { kind: 'schema', pointer: '', fragment: 'a number' },
  });
  cases.push({
    id: 'not a mapping: string',
    text: 'hello\n',
    expect: { kind: 'schema', pointer: '', fragment: 'a string' },
  });
  return cases;
}

const UNKNOWN_KINDS = [
  'frobnicate',
  'exec',
  'sleep',
  'loop',
  'parallel',
  'Set',
  'DO',
  'callHttp',
  'switchCase',
  'assign',
];

function taskShapeCases(): HostileCase[] {
  const cases: HostileCase[] = UNKNOWN_KINDS.map((kind) => ({
    id: `unknown task kind '${kind}'`,
    text: doc([{ bad: { [kind]: { x: 1 } } }]),
    expect: { kind: 'schema', pointer: (p: string) => p.startsWith('/do/0/bad') },
  }));
  const shapes: Array<[string, unknown]> = [
    ['empty task', {}],
    ['task is a string', 'set'],
    ['task is a list', [{ set: {} }]],
    ['two kinds in one task', { set: { a: 1 }, wait: { seconds: 1 } }],
    ['set and call', { set: { a: 1 }, call: 'http' }],
    ['http call without with', { call: 'http' }],
    ['http call without endpoint', { call: 'http', with: { method: 'get' } }],
    ['http call without method', { call: 'http', with: { endpoint: 'http://x' } }],
    ['for without do', { for: { each: 'x', in: '${ . }' } }],
    ['for without in', { for: { each: 'x' }, do: [okTask] }],
    ['fork without branches', { fork: {} }],
    ['try without catch', { try: [okTask] }],
    ['listen without to', { listen: {} }],
    ['raise without error', { raise: {} }],
    ['run with nothing', { run: {} }],
    ['shell without command', { run: { shell: {} } }],
    ['emit without event', { emit: {} }],
    ['switch with empty case', { switch: [{}] }],
  ];
  for (const [name, task] of shapes) {
    cases.push({
      id: `malformed task: ${name}`,
      text: doc([{ bad: task }]),
      expect: { kind: 'schema', pointer: (p) => p.startsWith('/do/0') },
    });
  }
  cases.push({
    id: 'task entry with two names',
    text: doc([{ a: { set: {} }, b: { set: {} } }]),
    expect: { kind: 'schema', pointer: (p) => p.startsWith('/do/0') },
  });
  cases.push({ id: 'missing do', text: stringify({ document: HEADER }), expect: { kind: 'schema', fragment: "'do'" } });
  cases.push({
    id: 'missing document',
    text: stringify({ do: [okTask] }),
    expect: { kind: 'schema', fragment: "'document'" },
  });
  for (const field of ['dsl', 'namespace', 'name', 'version']) {
    const header: Record<string, string> = { ...HEADER };
    delete header[field];
    cases.push({
      id: `missing document.${field}`,
      text: stringify({ document: header, do: [okTask] }),
      expect: { kind: 'schema', fragment: `'${field}'` },
    });
  }
  for (const dsl of ['0.8', '2.0.0', '1.1.0', 'latest', '1.0']) {
    cases.push({
      id: `unsupported dsl ${dsl}`,
      text: stringify({ document: { ...HEADER, dsl }, do: [okTask] }),
      expect: { kind: 'schema', pointer: '/document/dsl', fragment: dsl },
    });
  }
  return cases;
}

function thenCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const target of ['nowhere', 'OK', 'ok ', 'continue2', '']) {
    cases.push({
      id: `then to unknown task '${target}'`,
      text: doc([{ first: { set: { a: 1 }, then: target } }, okTask]),
      expect: { kind: 'semantic', pointer: '/do/0/first/then', fragment: `'${target}'` },
    });
  }
  const inner = (then: string) => [
    { outer: { do: [{ inner: { set: { a: 1 }, then } }] } },
    { sibling: { set: { b: 2 } } },
  ];
  cases.push({
    id: 'then from nested list to outer task',
    text: doc(inner('sibling')),
    expect: { kind: 'semantic', pointer: '/do/0/outer/do/0/inner/then', fragment: 'another list' },
  });
  cases.push({
    id: 'then from outer into nested list',
    text: doc([{ go: { set: {}, then: 'deep' } }, { box: { do: [{ deep: { set: {} } }] } }]),
    expect: { kind: 'semantic', pointer: '/do/0/go/then', fragment: 'another list' },
  });
  cases.push({
    id: 'switch case to task in another scope',
    text: doc([{ box: { do: [{ pick: { switch: [{ c: { then: 'outside' } }] } }] } }, { outside: { set: {} } }]),
    expect: { kind: 'semantic', pointer: '/do/0/box/do/0/pick/switch/0/c/then', fragment: 'another list' },
  });
  cases.push({
    id: 'then from for body to outer',
    text: doc([
      { loop: { for: { each: 'i', in: '${ [1] }' }, do: [{ body: { set: {}, then: 'after' } }] } },
      { after: { set: {} } },
    ]),
    expect: { kind: 'semantic', pointer: '/do/0/loop/do/0/body/then', fragment: 'another list' },
  });
  cases.push({
    id: 'then from try body to catch body',
    text: doc([{ t: { try: [{ a: { set: {}, then: 'handler' } }], catch: { do: [{ handler: { set: {} } }] } } }]),
    expect: { kind: 'semantic', pointer: '/do/0/t/try/0/a/then', fragment: 'another list' },
  });
  cases.push({
    id: 'fork branch to sibling branch',
    text: doc([{ f: { fork: { branches: [{ l: { set: {}, then: 'r' } }, { r: { set: {} } }] } } }]).replace(
      'then: r',
      'then: missingBranch',
    ),
    expect: { kind: 'semantic', pointer: '/do/0/f/fork/branches/0/l/then' },
  });
  cases.push({
    id: 'duplicate task names',
    text: doc([{ same: { set: {} } }, { same: { set: {} } }]),
    expect: { kind: 'semantic', pointer: '/do/1/same', fragment: 'duplicate task name' },
  });
  return cases;
}

const BAD_EXPRESSIONS = [
  '${ .a | | }',
  '${ .[ }',
  '${ {a: } }',
  '${ "unterminated }',
  '${ if . then 1 }',
  '${ reduce . as $x (0; }',
  '${ .a[ }',
  '${ .a as [$x, $y }',
  '${ def f: ; f }',
  '${ 1 + }',
  '${ try }',
  '${ .a.b.[0 }',
  '${ [.[] | ] }',
  '${ .a | ] }',
  '${ (1 }',
  '${ {"a" 1} }',
  '${ .a ?// }',
  '${ [1,2,] }',
  '${ . as }',
  '${ def f(: 1; f }',
  '${ "a" | test( }',
  '${ "\\(" }',
];

function expressionCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  BAD_EXPRESSIONS.forEach((expression, i) => {
    cases.push({
      id: `expression in set #${i}: ${expression}`,
      text: doc([{ e: { set: { v: expression } } }]),
      expect: { kind: 'semantic', pointer: '/do/0/e/set/v' },
    });
  });
  const sites: Array<[string, unknown, string]> = [
    ['if', { set: {}, if: '${ .a | | }' }, '/do/0/e/if'],
    ['switch when', { switch: [{ c: { when: '.[ ', then: 'end' } }] }, '/do/0/e/switch/0/c/when'],
    ['for in', { for: { each: 'x', in: '.a | |' }, do: [okTask] }, '/do/0/e/for/in'],
    ['output.as', { set: {}, output: { as: '{a:' } }, '/do/0/e/output/as'],
    ['export.as', { set: {}, export: { as: '.[' } }, '/do/0/e/export/as'],
    ['input.from', { set: {}, input: { from: ') (' } }, '/do/0/e/input/from'],
    [
      'http endpoint',
      { call: 'http', with: { method: 'get', endpoint: '${ "http://x/" + }' } },
      '/do/0/e/with/endpoint',
    ],
    ['set as one string', { set: '${ {a: } }' }, '/do/0/e/set'],
  ];
  for (const [name, task, pointer] of sites) {
    cases.push({ id: `expression in ${name}`, text: doc([{ e: task }]), expect: { kind: 'semantic', pointer } });
  }
  return cases;
}

function limitCases(): HostileCase[] {
  const nestedDo = (levels: number): unknown => {
    let task: unknown = { leaf: { set: { a: 1 } } };
    for (let i = 0; i < levels; i++) task = { [`n${i}`]: { do: [task] } };
    return task;
  };
  const nestedValue = (levels: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < levels; i++) v = { x: v };
    return v;
  };
  return [
    {
      id: 'deep: 100,000 flow brackets',
      text: `document: ${'['.repeat(100_000)}`,
      expect: { kind: 'limits', fragment: 'nesting' },
    },
    {
      id: 'deep: 10,000 block sequences',
      text: `do:\n${'- '.repeat(10_000)}x\n`,
      expect: { kind: 'limits', fragment: 'nesting' },
    },
    {
      id: 'deep: 1,000 nested mappings',
      text: Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n',
      expect: { kind: 'limits', fragment: 'nesting' },
    },
    { id: 'deep: 200 nested do tasks', text: doc([nestedDo(200)]), expect: { kind: 'limits', fragment: 'nesting' } },
    {
      id: 'deep: 500-level set value',
      text: doc([{ s: { set: { v: nestedValue(500) } } }]),
      expect: { kind: 'limits', fragment: 'nesting' },
    },
    {
      id: 'huge: 2 MB string value',
      text: doc([{ s: { set: { v: 'x'.repeat(2 * 1024 * 1024) } } }]),
      expect: { kind: 'limits', fragment: 'larger than' },
    },
    {
      id: 'huge: 20,000 tasks',
      text: doc(Array.from({ length: 20_000 }, (_, i) => ({ [`t${i}`]: { set: { i, pad: 'y'.repeat(40) } } }))),
      expect: { kind: 'limits', fragment: 'larger than' },
    },
    {
      id: 'huge: 4 MB of comments',
      text: `${'# padding padding padding\n'.repeat(160_000)}document: {}\n`,
      expect: { kind: 'limits', fragment: 'larger than' },
    },
    {
      id: 'huge: multibyte text over the limit',
      text: doc([{ s: { set: { v: '\u{1F600}'.repeat(300_000) } } }]),
      expect: { kind: 'limits', fragment: 'larger than' },
    },
    {
      id: 'alias bomb',
      text: 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
      expect: { kind: 'limits', fragment: 'alias' },
    },
  ];
}

function referenceCases(): HostileCase[] {
  return [
    {
      id: 'unknown function',
      text: doc([{ c: { call: 'nosuchFunction' } }]),
      expect: { kind: 'semantic', pointer: '/do/0/c/call', fragment: "unknown function 'nosuchFunction'" },
    },
    {
      id: 'undeclared catalog',
      text: doc([{ c: { call: 'fn:1.0.0@nocatalog' } }]),
      expect: { kind: 'semantic', pointer: '/do/0/c/call', fragment: 'nocatalog' },
    },
    {
      id: 'missing error reference',
      text: doc([{ r: { raise: { error: 'ghost' } } }]),
      expect: { kind: 'semantic', pointer: '/do/0/r/raise/error', fragment: "'ghost'" },
    },
    {
      id: 'missing retry reference',
      text: doc([{ t: { try: [okTask], catch: { retry: 'ghostRetry' } } }]),
      expect: { kind: 'semantic', pointer: '/do/0/t/catch/retry', fragment: "'ghostRetry'" },
    },
    {
      id: 'missing timeout reference',
      text: doc([{ w: { wait: { seconds: 1 }, timeout: 'ghostTimeout' } }]),
      expect: { kind: 'semantic', fragment: 'ghostTimeout' },
    },
    {
      id: 'missing authentication reference',
      text: doc([
        {
          c: {
            call: 'http',
            with: { method: 'get', endpoint: { uri: 'http://x', authentication: { use: 'ghostAuth' } } },
          },
        },
      ]),
      expect: { kind: 'semantic', fragment: 'ghostAuth' },
    },
  ];
}

export function hostileCorpus(): HostileCase[] {
  return [
    ...brokenYamlCases(),
    ...wrongTypeCases(),
    ...taskShapeCases(),
    ...thenCases(),
    ...expressionCases(),
    ...limitCases(),
    ...referenceCases(),
  ];
}
