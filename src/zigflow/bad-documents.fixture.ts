/**
 * Bad workflow documents, each with the problem the loader must report: kind, JSON pointer and a
 * fragment of the message. Shared by the loader spec and the hostile-input corpus.
 */
import type { ProblemKind } from './problems';

export interface BadDocument {
  name: string;
  yaml: string;
  kind: ProblemKind;
  pointer: string;
  message: string;
  line?: number;
  column?: number;
}

const HEADER = `document:\n  dsl: '1.0.3'\n  namespace: test\n  name: bad\n  version: '1.0.0'\n`;

/** A document with the standard header (lines 1-5) and `body` from line 6. */
export function wf(body: string): string {
  return HEADER + body;
}

const KINDS = 'expected one of call, do, emit, for, fork, listen, raise, run, set, switch, try, wait';

export const BAD_DOCUMENTS: BadDocument[] = [
  // --- YAML syntax ---
  { name: 'unclosed flow sequence', yaml: 'document: [\n', kind: 'yaml', pointer: '', message: 'Flow sequence', line: 2, column: 1 },
  { name: 'unclosed flow map', yaml: 'document: {dsl: 1.0.3\ndo: []\n', kind: 'yaml', pointer: '', message: 'YAML syntax error' },
  { name: 'unclosed double quote', yaml: wf('do:\n  - a:\n      set:\n        x: "abc\n'), kind: 'yaml', pointer: '', message: 'YAML syntax error' },
  { name: 'tab indentation', yaml: wf('do:\n\t- a:\n\t\t\tset: {}\n'), kind: 'yaml', pointer: '', message: 'YAML syntax error', line: 7 },
  { name: 'nested mapping on one line', yaml: wf('do: a: b\n'), kind: 'yaml', pointer: '', message: 'YAML syntax error', line: 6 },
  { name: 'duplicate top-level key', yaml: wf('do: []\ndo: []\n'), kind: 'yaml', pointer: '', message: "duplicate key 'do'", line: 7, column: 1 },
  { name: 'duplicate key inside a task', yaml: wf('do:\n  - a:\n      set: {x: 1}\n      set: {y: 2}\n'), kind: 'yaml', pointer: '', message: "duplicate key 'set'", line: 9, column: 7 },
  { name: 'two YAML documents', yaml: wf('do: []\n---\nfoo: 1\n'), kind: 'yaml', pointer: '', message: 'more than one', line: 7 },
  { name: 'empty text', yaml: '', kind: 'yaml', pointer: '', message: 'the document is empty' },
  { name: 'only a comment', yaml: '# nothing here\n', kind: 'yaml', pointer: '', message: 'the document is empty' },
  { name: 'alias to an undefined anchor', yaml: wf('do:\n  - a: *missing\n'), kind: 'yaml', pointer: '', message: 'alias *missing', line: 7 },
  { name: 'bad block scalar indicator', yaml: wf('do:\n  - a:\n      set: |x\n'), kind: 'yaml', pointer: '', message: 'YAML syntax error' },
  { name: 'a collection used as a map key', yaml: wf('do:\n  - ? [a, b]\n    : {set: {x: 1}}\n'), kind: 'yaml', pointer: '', message: 'map keys must be plain strings, found a collection used as a key', line: 7, column: 7 },
  { name: 'a flow map used as a key', yaml: wf('do: []\n{ then: end }: 1\n'), kind: 'yaml', pointer: '', message: 'map keys must be plain strings' },
  { name: 'a scalar instead of a map', yaml: 'hello world\n', kind: 'schema', pointer: '', message: "a workflow must be a YAML mapping with 'document' and 'do', got a string" },
  { name: 'a list instead of a map', yaml: '- a\n- b\n', kind: 'schema', pointer: '', message: 'got a list' },

  // --- limits ---
  { name: 'deep flow nesting', yaml: wf(`do: ${'['.repeat(5000)}${']'.repeat(5000)}\n`), kind: 'limits', pointer: '', message: 'deeper than the limit of 64', line: 6 },
  { name: 'deep compact sequences', yaml: wf(`do:\n  ${'- '.repeat(3000)}x\n`), kind: 'limits', pointer: '', message: 'deeper than the limit of 64', line: 7 },
  {
    name: 'deep block mappings',
    yaml: wf(Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n'),
    kind: 'limits',
    pointer: '',
    message: 'deeper than the limit of 64',
  },
  {
    name: 'alias bomb',
    yaml: wf('a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\ndo: []\n'),
    kind: 'limits',
    pointer: '',
    message: 'aliases expand beyond the limit',
  },

  // --- schema: document ---
  { name: 'missing document', yaml: 'do: []\n', kind: 'schema', pointer: '', message: "missing required property 'document'" },
  { name: 'missing do', yaml: HEADER, kind: 'schema', pointer: '', message: "missing required property 'do'" },
  { name: 'document without namespace', yaml: "document: {dsl: '1.0.3', name: n, version: '1.0.0'}\ndo: []\n", kind: 'schema', pointer: '/document', message: "missing required property 'namespace' in Document" },
  { name: 'unsupported DSL version', yaml: "document: {dsl: '2.0.0', namespace: a, name: n, version: '1.0.0'}\ndo: []\n", kind: 'schema', pointer: '/document/dsl', message: "unsupported DSL version '2.0.0'", line: 1, column: 17 },
  { name: 'DSL version 0.8', yaml: "document: {dsl: '0.8.0', namespace: a, name: n, version: '1.0.0'}\ndo: []\n", kind: 'schema', pointer: '/document/dsl', message: 'accepts 1.0.0, 1.0.1, 1.0.2, 1.0.3' },
  { name: 'DSL version not semver', yaml: "document: {dsl: latest, namespace: a, name: n, version: '1.0.0'}\ndo: []\n", kind: 'schema', pointer: '/document/dsl', message: "unsupported DSL version 'latest'" },
  { name: 'DSL version as a number', yaml: "document: {dsl: 1.0, namespace: a, name: n, version: '1.0.0'}\ndo: []\n", kind: 'schema', pointer: '/document/dsl', message: 'expected string, got integer 1' },
  { name: 'workflow name with spaces', yaml: "document: {dsl: '1.0.3', namespace: a, name: my flow, version: '1.0.0'}\ndo: []\n", kind: 'schema', pointer: '/document/name', message: "name must be letters, digits and '-'" },
  { name: 'unknown document property', yaml: "document: {dsl: '1.0.3', namespace: a, name: n, version: '1.0.0', author: me}\ndo: []\n", kind: 'schema', pointer: '/document/author', message: "unknown property 'author'" },
  { name: 'tags not a map', yaml: "document: {dsl: '1.0.3', namespace: a, name: n, version: '1.0.0', tags: [a]}\ndo: []\n", kind: 'schema', pointer: '/document/tags', message: 'expected object, got array' },
  { name: 'do is a map', yaml: wf('do:\n  a:\n    set: {x: 1}\n'), kind: 'schema', pointer: '/do', message: 'expected array, got object' },

  // --- schema: tasks ---
  { name: 'unknown task kind', yaml: wf('do:\n  - a:\n      set: {x: 1}\n  - b:\n      foo: 1\n'), kind: 'schema', pointer: '/do/1/b', message: `unknown task kind at /do/1/b: ${KINDS}`, line: 9, column: 5 },
  { name: 'two tasks in one entry', yaml: wf('do:\n  - a: {set: {x: 1}}\n    b: {set: {y: 2}}\n'), kind: 'schema', pointer: '/do/0', message: 'holds exactly one named task, found 2 (a, b)' },
  { name: 'empty task entry', yaml: wf('do:\n  - {}\n'), kind: 'schema', pointer: '/do/0', message: 'empty task list entry' },
  { name: 'task list entry is a string', yaml: wf('do:\n  - justAName\n'), kind: 'schema', pointer: '/do/0', message: 'expected object, got string' },
  { name: 'task is a number', yaml: wf('do:\n  - a: 3\n'), kind: 'schema', pointer: '/do/0/a', message: "task 'a' must be a map" },
  { name: 'task with two kinds', yaml: wf('do:\n  - a:\n      set: {x: 1}\n      wait: PT1S\n'), kind: 'schema', pointer: '/do/0/a', message: 'more than one kind (set, wait)' },
  { name: 'unknown property on a set task', yaml: wf('do:\n  - a:\n      set: {x: 1}\n      bogus: 2\n'), kind: 'schema', pointer: '/do/0/a/bogus', message: "unknown property 'bogus' in SetTask", line: 9, column: 7 },
  { name: 'set is a number', yaml: wf('do:\n  - a:\n      set: 3\n'), kind: 'schema', pointer: '/do/0/a/set', message: 'expected object or string, got integer 3' },
  { name: 'set is an empty map', yaml: wf('do:\n  - a:\n      set: {}\n'), kind: 'schema', pointer: '/do/0/a/set', message: "'set' must not be empty" },
  { name: 'for without in', yaml: wf('do:\n  - a:\n      for: {each: x}\n      do: []\n'), kind: 'schema', pointer: '/do/0/a/for', message: "missing required property 'in'" },
  { name: 'for without do', yaml: wf('do:\n  - a:\n      for: {each: x, in: .items}\n'), kind: 'schema', pointer: '/do/0/a', message: "missing required property 'do'" },
  { name: 'http call without endpoint', yaml: wf('do:\n  - a:\n      call: http\n      with: {method: get}\n'), kind: 'schema', pointer: '/do/0/a/with', message: "missing required property 'endpoint' in HTTPArguments" },
  { name: 'http method is a number', yaml: wf('do:\n  - a:\n      call: http\n      with: {method: 3, endpoint: "http://x"}\n'), kind: 'schema', pointer: '/do/0/a/with/method', message: 'expected string, got integer 3' },
  { name: 'http endpoint is a number', yaml: wf('do:\n  - a:\n      call: http\n      with: {method: get, endpoint: 3}\n'), kind: 'schema', pointer: '/do/0/a/with/endpoint', message: 'expected string or object, got integer 3' },
  { name: 'http call without with', yaml: wf('do:\n  - a:\n      call: http\n'), kind: 'schema', pointer: '/do/0/a', message: "missing required property 'with'" },
  { name: 'grpc call without service', yaml: wf('do:\n  - a:\n      call: grpc\n      with: {proto: {endpoint: "http://x/p.proto"}, method: M}\n'), kind: 'schema', pointer: '/do/0/a/with', message: "missing required property 'service'" },
  { name: 'wait with an unknown unit', yaml: wf('do:\n  - a:\n      wait: {secondz: 3}\n'), kind: 'schema', pointer: '/do/0/a/wait/secondz', message: "unknown property 'secondz'" },
  { name: 'wait is a number', yaml: wf('do:\n  - a:\n      wait: 3\n'), kind: 'schema', pointer: '/do/0/a/wait', message: 'expected object or string, got integer 3' },
  { name: 'switch is a map', yaml: wf('do:\n  - a:\n      switch: {c: {when: .x, then: end}}\n'), kind: 'schema', pointer: '/do/0/a/switch', message: 'expected array, got object' },
  { name: 'switch case then is a number', yaml: wf('do:\n  - a:\n      switch:\n        - c: {when: .x, then: 3}\n'), kind: 'schema', pointer: '/do/0/a/switch/0/c/then', message: 'expected string, got integer 3' },
  { name: 'try without catch', yaml: wf('do:\n  - a:\n      try:\n        - b: {set: {x: 1}}\n'), kind: 'schema', pointer: '/do/0/a', message: "missing required property 'catch'" },
  { name: 'raise without error', yaml: wf('do:\n  - a:\n      raise: {}\n'), kind: 'schema', pointer: '/do/0/a/raise', message: "missing required property 'error'" },
  { name: 'raise inline error without status', yaml: wf('do:\n  - a:\n      raise:\n        error: {type: "https://x/y"}\n'), kind: 'schema', pointer: '/do/0/a/raise/error', message: "missing required property 'status'" },
  { name: 'fork without branches', yaml: wf('do:\n  - a:\n      fork: {compete: true}\n'), kind: 'schema', pointer: '/do/0/a/fork', message: "missing required property 'branches'" },
  { name: 'emit without event', yaml: wf('do:\n  - a:\n      emit: {}\n'), kind: 'schema', pointer: '/do/0/a/emit', message: "missing required property 'event'" },
  { name: 'listen without to', yaml: wf('do:\n  - a:\n      listen: {}\n'), kind: 'schema', pointer: '/do/0/a/listen', message: "missing required property 'to'" },
  { name: 'run without a process', yaml: wf('do:\n  - a:\n      run: {}\n'), kind: 'schema', pointer: '/do/0/a/run', message: "RunContainer needs 'container'; RunScript needs 'script'; RunShell needs 'shell'; RunWorkflow needs 'workflow'" },
  { name: 'if is a boolean', yaml: wf('do:\n  - a:\n      if: true\n      set: {x: 1}\n'), kind: 'schema', pointer: '/do/0/a/if', message: 'expected string, got boolean true' },
  { name: 'then is a number', yaml: wf('do:\n  - a:\n      set: {x: 1}\n      then: 3\n'), kind: 'schema', pointer: '/do/0/a/then', message: 'expected string, got integer 3' },
  { name: 'output.as is a number', yaml: wf('do:\n  - a:\n      set: {x: 1}\n      output: {as: 3}\n'), kind: 'schema', pointer: '/do/0/a/output/as', message: 'expected string or object, got integer 3' },
  { name: 'unknown task in a for body', yaml: wf('do:\n  - a:\n      for: {each: x, in: .items}\n      do:\n        - b:\n            frobnicate: 1\n'), kind: 'schema', pointer: '/do/0/a/do/0/b', message: 'unknown task kind at /do/0/a/do/0/b' },
  { name: 'bad task in a catch body', yaml: wf('do:\n  - a:\n      try:\n        - b: {set: {x: 1}}\n      catch:\n        do:\n          - c: {wait: true}\n'), kind: 'schema', pointer: '/do/0/a/catch/do/0/c/wait', message: 'expected object or string, got boolean true' },
  { name: 'bad task in a fork branch', yaml: wf('do:\n  - a:\n      fork:\n        branches:\n          - b: {set: {x: 1}, extra: 1}\n'), kind: 'schema', pointer: '/do/0/a/fork/branches/0/b/extra', message: "unknown property 'extra'" },
  { name: 'workflow timeout without after', yaml: wf('timeout: {before: PT1S}\ndo: []\n'), kind: 'schema', pointer: '/timeout', message: "missing required property 'after' in Timeout" },
  { name: 'use.functions entry not a task', yaml: wf('use:\n  functions:\n    f: {frob: 1}\ndo: []\n'), kind: 'schema', pointer: '/use/functions/f', message: 'unknown task kind at /use/functions/f' },
  { name: 'unknown property in use', yaml: wf('use:\n  secretz: [a]\ndo: []\n'), kind: 'schema', pointer: '/use/secretz', message: "unknown property 'secretz'" },
  { name: 'schedule every is a number', yaml: wf('schedule: {every: 5}\ndo: []\n'), kind: 'schema', pointer: '/schedule/every', message: 'expected object or string, got integer 5' },
  { name: 'input.schema without format', yaml: wf('input:\n  schema: {document: {type: object}, format: 3}\ndo: []\n'), kind: 'schema', pointer: '/input/schema/format', message: 'expected string' },

  // --- semantic: flow and references ---
  { name: 'then to an unknown task', yaml: wf('do:\n  - a:\n      set: {x: 1}\n      then: nowhere\n'), kind: 'semantic', pointer: '/do/0/a/then', message: "then target 'nowhere' names no task in the same scope", line: 9, column: 13 },
  {
    name: 'then to a task in another scope',
    yaml: wf('do:\n  - a:\n      do:\n        - inner: {set: {x: 1}}\n  - b:\n      set: {y: 1}\n      then: inner\n'),
    kind: 'semantic',
    pointer: '/do/1/b/then',
    message: "'inner' is in another list (/do/0/a/do/0/inner)",
  },
  { name: 'switch case to an unknown task', yaml: wf('do:\n  - a:\n      switch:\n        - c: {when: .x, then: ghost}\n'), kind: 'semantic', pointer: '/do/0/a/switch/0/c/then', message: "then target 'ghost'" },
  { name: 'duplicate task names', yaml: wf('do:\n  - a: {set: {x: 1}}\n  - a: {set: {x: 2}}\n'), kind: 'semantic', pointer: '/do/1/a', message: "duplicate task name 'a' in the same list (first at /do/0/a)" },
  { name: 'duplicate task names in a nested list', yaml: wf('do:\n  - a:\n      do:\n        - b: {set: {x: 1}}\n        - b: {set: {x: 2}}\n'), kind: 'semantic', pointer: '/do/0/a/do/1/b', message: "duplicate task name 'b'" },
  { name: 'call to an unknown function', yaml: wf('do:\n  - a:\n      call: sendEmail\n'), kind: 'semantic', pointer: '/do/0/a/call', message: "unknown function 'sendEmail'" },
  { name: 'call to a function of an undeclared catalog', yaml: wf('do:\n  - a:\n      call: log:1.0.0@mycatalog\n'), kind: 'semantic', pointer: '/do/0/a/call', message: "catalog 'mycatalog'" },
  { name: 'raise of an undefined error', yaml: wf('do:\n  - a:\n      raise: {error: notFound}\n'), kind: 'semantic', pointer: '/do/0/a/raise/error', message: "error 'notFound' is not defined in use.errors" },
  {
    name: 'retry policy not defined',
    yaml: wf('use:\n  retries:\n    fast: {limit: {attempt: {count: 2}}}\ndo:\n  - a:\n      try:\n        - b: {set: {x: 1}}\n      catch:\n        retry: slow\n'),
    kind: 'semantic',
    pointer: '/do/0/a/catch/retry',
    message: "retry policy 'slow' is not defined in use.retries: defined are fast",
  },
  {
    name: 'authentication not defined',
    yaml: wf('do:\n  - a:\n      call: http\n      with:\n        method: get\n        endpoint: {uri: "http://x", authentication: {use: petstore}}\n'),
    kind: 'semantic',
    pointer: '/do/0/a/with/endpoint/authentication/use',
    message: "authentication 'petstore' is not defined in use.authentications",
  },
  { name: 'timeout not defined', yaml: wf('do:\n  - a:\n      set: {x: 1}\n      timeout: short\n'), kind: 'semantic', pointer: '/do/0/a/timeout', message: "timeout 'short' is not defined in use.timeouts" },
  { name: 'evaluate mode unknown', yaml: wf('evaluate: {mode: lazy}\ndo: []\n'), kind: 'semantic', pointer: '/evaluate/mode', message: "evaluate.mode must be 'strict' or 'loose'" },
  { name: 'evaluate language unknown', yaml: wf('evaluate: {language: js}\ndo: []\n'), kind: 'semantic', pointer: '/evaluate/language', message: 'this runner evaluates jq' },

  // --- semantic: expressions ---
  { name: 'strict expression that does not parse', yaml: wf("do:\n  - a:\n      set: {x: '${ .a | }'}\n"), kind: 'semantic', pointer: '/do/0/a/set/x', message: 'expression `.a |` does not parse', line: 8, column: 25 },
  { name: 'bare if that does not parse', yaml: wf('do:\n  - a:\n      if: .a == )\n      set: {x: 1}\n'), kind: 'semantic', pointer: '/do/0/a/if', message: 'expression `.a == )` does not parse', line: 8, column: 17 },
  { name: 'for.in that does not parse', yaml: wf('do:\n  - a:\n      for: {each: i, in: ".items["}\n      do: []\n'), kind: 'semantic', pointer: '/do/0/a/for/in', message: 'does not parse' },
  { name: 'switch when that does not parse', yaml: wf('do:\n  - a:\n      switch:\n        - c: {when: ".x >", then: end}\n'), kind: 'semantic', pointer: '/do/0/a/switch/0/c/when', message: 'does not parse' },
  { name: 'output.as that does not parse', yaml: wf('do:\n  - a:\n      set: {x: 1}\n      output: {as: "{a: }"}\n'), kind: 'semantic', pointer: '/do/0/a/output/as', message: 'does not parse' },
  { name: 'export.as that does not parse', yaml: wf('do:\n  - a:\n      set: {x: 1}\n      export: {as: "$context +"}\n'), kind: 'semantic', pointer: '/do/0/a/export/as', message: 'does not parse' },
  {
    name: 'catch when that does not parse',
    yaml: wf('do:\n  - a:\n      try:\n        - b: {set: {x: 1}}\n      catch:\n        when: "(.status"\n'),
    kind: 'semantic',
    pointer: '/do/0/a/catch/when',
    message: 'does not parse',
  },
  { name: 'workflow input.from that does not parse', yaml: wf('input: {from: ".a | | .b"}\ndo: []\n'), kind: 'semantic', pointer: '/input/from', message: 'does not parse' },
  { name: 'expression in an http header that does not parse', yaml: wf("do:\n  - a:\n      call: http\n      with: {method: get, endpoint: 'http://x', headers: {h: '${ .a[ }'}}\n"), kind: 'semantic', pointer: '/do/0/a/with/headers/h', message: 'does not parse' },
  { name: '$secrets in a set task', yaml: wf("do:\n  - a:\n      set: {token: '${ $secrets.apiKey }'}\n"), kind: 'semantic', pointer: '/do/0/a/set/token', message: '$secrets may only be read in call or run task arguments' },
  { name: '$secrets in a task if', yaml: wf('do:\n  - a:\n      if: $secrets.enabled\n      set: {x: 1}\n'), kind: 'semantic', pointer: '/do/0/a/if', message: '$secrets may only be read' },
  { name: '$secrets in output.as of a call', yaml: wf("do:\n  - a:\n      call: http\n      with: {method: get, endpoint: 'http://x'}\n      output: {as: '${ $secrets.k }'}\n"), kind: 'semantic', pointer: '/do/0/a/output/as', message: '$secrets may only be read' },
  { name: 'switch when that is a constant number', yaml: wf("do:\n  - a:\n      switch:\n        - c: {when: '42', then: end}\n"), kind: 'semantic', pointer: '/do/0/a/switch/0/c/when', message: "'when' must evaluate to a boolean, but `42` is always the number 42" },
  { name: 'task if that is a constant string', yaml: wf("do:\n  - a:\n      if: '${ \"yes\" }'\n      set: {x: 1}\n"), kind: 'semantic', pointer: '/do/0/a/if', message: "'if' must evaluate to a boolean" },
  {
    name: 'secret not declared in use.secrets',
    yaml: wf("use:\n  secrets: [apiKey]\ndo:\n  - a:\n      call: http\n      with: {method: get, endpoint: 'http://x', headers: {k: '${ $secrets.apiKy }'}}\n"),
    kind: 'semantic',
    pointer: '/do/0/a/with/headers/k',
    message: "secret 'apiKy' is not declared in use.secrets (declared are apiKey)",
  },
  {
    name: 'secret by bracket not declared in use.secrets',
    yaml: wf('use:\n  secrets: []\ndo:\n  - a:\n      run:\n        shell: {command: \'${ $secrets["db-pass"] }\'}\n'),
    kind: 'semantic',
    pointer: '/do/0/a/run/shell/command',
    message: "secret 'db-pass' is not declared in use.secrets (it declares none)",
  },
  { name: 'call of an undefined jq function', yaml: wf("do:\n  - a:\n      set: {x: '${ frobnicate(1) }'}\n"), kind: 'semantic', pointer: '/do/0/a/set/x', message: 'does not compile: frobnicate/1 is not defined' },
  { name: 'expression reading input', yaml: wf("do:\n  - a:\n      set: {x: '${ input }'}\n"), kind: 'semantic', pointer: '/do/0/a/set/x', message: "expression uses 'input', which is not allowed in a workflow: it reads the next input" },
  { name: 'expression reading inputs', yaml: wf("do:\n  - a:\n      set: {x: '${ [inputs] }'}\n"), kind: 'semantic', pointer: '/do/0/a/set/x', message: "uses 'inputs'" },
  { name: 'expression calling stderr', yaml: wf('do:\n  - a:\n      if: (. | stderr) != null\n      set: {x: 1}\n'), kind: 'semantic', pointer: '/do/0/a/if', message: "uses 'stderr', which is not allowed in a workflow: it writes to the worker's stderr" },
  { name: 'expression calling halt', yaml: wf('do:\n  - a:\n      set: {x: 1}\n      output: {as: "halt"}\n'), kind: 'semantic', pointer: '/do/0/a/output/as', message: "uses 'halt'" },
  { name: 'expression calling debug', yaml: wf('do:\n  - a:\n      switch:\n        - c: {when: ". | debug", then: end}\n'), kind: 'semantic', pointer: '/do/0/a/switch/0/c/when', message: "uses 'debug'" },
  { name: 'expression calling halt_error', yaml: wf("do:\n  - a:\n      set: {x: '${ halt_error }'}\n"), kind: 'semantic', pointer: '/do/0/a/set/x', message: "uses 'halt_error', which is not allowed in a workflow: it stops the host process" },
  { name: 'expression reading $__prog_args', yaml: wf("do:\n  - a:\n      set: {x: '${ $__prog_args }'}\n"), kind: 'semantic', pointer: '/do/0/a/set/x', message: "uses '$__prog_args'" },
  { name: 'expression reading input_filename', yaml: wf("do:\n  - a:\n      for: {each: i, in: '[input_filename]'}\n      do: []\n"), kind: 'semantic', pointer: '/do/0/a/for/in', message: "uses 'input_filename'" },
];
