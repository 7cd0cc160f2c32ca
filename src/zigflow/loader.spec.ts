import { BAD_DOCUMENTS, wf } from './bad-documents.fixture';
import { loadWorkflow, validateDocument } from './loader';

describe('loadWorkflow: bad documents', () => {
  it('has a corpus of at least 60 distinct bad documents', () => {
    expect(new Set(BAD_DOCUMENTS.map((d) => d.name)).size).toBe(BAD_DOCUMENTS.length);
    expect(BAD_DOCUMENTS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(BAD_DOCUMENTS.map((d) => [d.name, d] as const))('%s', (_name, bad) => {
    const result = loadWorkflow(bad.yaml);
    if (result.ok) throw new Error(`expected problems, the document loaded`);
    const match = result.problems.find(
      (p) => p.kind === bad.kind && p.pointer === bad.pointer && p.message.includes(bad.message),
    );
    if (!match)
      throw new Error(
        `no ${bad.kind} problem at '${bad.pointer}' containing "${bad.message}"; got:\n${JSON.stringify(result.problems, null, 2)}`,
      );
    if (bad.line !== undefined) expect(match.line).toBe(bad.line);
    if (bad.column !== undefined) expect(match.column).toBe(bad.column);
  });
});

describe('loadWorkflow: good documents', () => {
  it('loads a valid document as plain JSON', () => {
    const result = loadWorkflow(wf('do:\n  - a:\n      set: {x: 1}\n      then: b\n  - b:\n      wait: PT1S\n'));
    expect(result).toEqual({
      ok: true,
      warnings: [],
      workflow: {
        document: { dsl: '1.0.3', namespace: 'test', name: 'bad', version: '1.0.0' },
        do: [{ a: { set: { x: 1 }, then: 'b' } }, { b: { wait: 'PT1S' } }],
      },
    });
  });

  it.each(['1.0.0', '1.0.1', '1.0.2', '1.0.3'])('accepts DSL %s', (dsl) => {
    const result = loadWorkflow(
      `document: {dsl: '${dsl}', namespace: a, name: n, version: '1.0.0'}\ndo:\n  - a: {set: {x: 1}}\n`,
    );
    expect(result.ok).toBe(true);
  });

  it('writes standard error types in catch and retry conditions the way the runner raises them', () => {
    const newDomain = 'https://open-workflow-specification.org/spec/1.0.0/errors/communication';
    const raised = 'https://serverlessworkflow.io/spec/1.0.0/errors/communication';
    const yaml = [
      "document: { dsl: '1.0.3', namespace: t, name: conditions, version: '1.0.0' }",
      'use:',
      '  retries:',
      '    again:',
      `      when: '\${ $error.type == "${newDomain}" }'`,
      '      limit: { attempt: { count: 1 } }',
      'do:',
      '  - guarded:',
      '      try:',
      '        - step: { set: { a: 1 } }',
      '      catch:',
      `        when: '\${ $error.type == "${newDomain}" }'`,
      `        exceptWhen: '\${ $error.type == "https://open-workflow-specification.org/dsl/errors/types/runtime" }'`,
      '        retry:',
      `          when: '\${ $error.type == "${newDomain}" }'`,
      '          limit: { attempt: { count: 1 } }',
      '  - other:',
      `      set: { text: '${newDomain}' }`,
    ].join('\n');
    const result = loadWorkflow(yaml);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const doc = result.workflow as any;
    expect(doc.use.retries.again.when).toBe(`\${ $error.type == "${raised}" }`);
    expect(doc.do[0].guarded.catch.when).toBe(`\${ $error.type == "${raised}" }`);
    expect(doc.do[0].guarded.catch.exceptWhen).toBe(
      '${ $error.type == "https://serverlessworkflow.io/spec/1.0.0/errors/runtime" }',
    );
    expect(doc.do[0].guarded.catch.retry.when).toBe(`\${ $error.type == "${raised}" }`);
    // Only conditions are comparisons: data is left as written.
    expect(doc.do[1].other.set.text).toBe(newDomain);
  });

  it('refuses MCP over stdio when the runner has it disabled, or the command outside its allow-list', () => {
    const doc = (command: string, args: string[]) =>
      wf(
        `do:\n  - a:\n      call: mcp\n      with:\n        method: tools/list\n        transport:\n          stdio: {command: ${command}, arguments: ${JSON.stringify(args)}}\n`,
      );
    const server = doc('npx', ['@modelcontextprotocol/server-everything']);
    // Without a policy (e.g. `workflow-runner validate`), stdio is left for the call to check.
    expect(loadWorkflow(server).ok).toBe(true);
    const disabled = loadWorkflow(server, { mcpStdio: { enabled: false, commands: [] } });
    expect(disabled.ok ? [] : disabled.problems).toEqual([
      expect.objectContaining({
        kind: 'semantic',
        pointer: '/do/0/a/with/transport/stdio',
        message: expect.stringContaining('call: mcp over stdio is disabled on this runner'),
        line: 12,
      }),
    ]);
    const policy = { enabled: true, commands: [['npx', '@modelcontextprotocol/server-everything']] };
    expect(loadWorkflow(server, { mcpStdio: policy }).ok).toBe(true);
    const other = loadWorkflow(doc('npx', ['some-other-server']), { mcpStdio: policy });
    expect(other.ok ? [] : other.problems).toEqual([
      expect.objectContaining({
        pointer: '/do/0/a/with/transport/stdio/command',
        message:
          "call: mcp command 'npx' with these arguments is not in the runner's allow-list of MCP servers (CALL_MCP_STDIO_COMMANDS)",
      }),
    ]);
  });

  it('warns about unknown top-level properties without failing', () => {
    const result = loadWorkflow(wf('extra: 1\ndo: []\n'));
    expect(result).toMatchObject({ ok: true, warnings: [{ kind: 'semantic', pointer: '/extra', line: 6, column: 1 }] });
  });

  it('accepts references that are defined, built-in calls, flow directives and catalog functions', () => {
    const yaml = wf(
      [
        'use:',
        '  secrets: [token, key]',
        '  functions:',
        '    greet: {call: http, with: {method: get, endpoint: "http://x"}}',
        '  errors:',
        '    notFound: {type: "https://x/not-found", status: 404}',
        '  retries:',
        '    fast: {limit: {attempt: {count: 2}}}',
        '  authentications:',
        '    petstore: {bearer: {token: "${ $secrets.token }"}}',
        '  timeouts:',
        '    short: {after: PT1S}',
        'do:',
        '  - a: {call: greet, timeout: short, then: b}',
        '  - b:',
        '      try:',
        '        - c: {raise: {error: notFound}}',
        '      catch: {retry: fast, when: ".status == 404"}',
        '  - d: {call: http, with: {method: get, endpoint: {uri: "http://x", authentication: {use: petstore}}}}',
        "  - e: {call: 'chat:1.0.0@default', with: {prompt: hi}, then: end}",
        '  - now: {set: {at: "${ now | todate }", note: "${ \\"input and env are just words here\\" }", home: "${ $ENV.HOME // env.USER }"}}',
        '  - f: {call: http, with: {method: get, endpoint: "http://x", headers: {k: "${ $secrets.key }", j: "${ $secrets[\\"token\\"] }"}}, then: exit}',
      ].join('\n') + '\n',
    );
    const result = loadWorkflow(yaml);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('accepts $secrets in the authentication of a schema resource endpoint only', () => {
    const schema = (where: string) =>
      wf(
        `use:\n  secrets: [pw]\ndo:\n  - a:\n      set: {x: 1}\n      output:\n        schema:\n          resource:\n            endpoint: ${where}\n`,
      );
    const ok = loadWorkflow(
      schema('{uri: "http://x/s.json", authentication: {basic: {username: u, password: "${ $secrets.pw }"}}}'),
    );
    expect(ok.ok ? [] : ok.problems).toEqual([]);
    const leaked = loadWorkflow(schema('"${ \\"http://x/\\" + $secrets.pw }"'));
    expect(leaked).toMatchObject({
      ok: false,
      problems: [
        {
          pointer: '/do/0/a/output/schema/resource/endpoint',
          message: expect.stringContaining('$secrets may only be read'),
        },
      ],
    });
  });

  it('accepts then cycles that something can leave', () => {
    const loops = [
      // a switch case leads out
      "do:\n  - a: {set: {n: '${ .n + 1 }'}}\n  - b:\n      switch:\n        - more: {when: '.n < 3', then: a}\n        - done: {then: end}\n",
      // `if` may skip the jump back
      "do:\n  - a: {set: {n: '${ .n + 1 }'}}\n  - b: {if: '.n < 3', set: {y: 1}, then: a}\n  - c: {set: {y: 2}}\n",
      // a raise ends it
      'do:\n  - a: {set: {x: 1}, then: b}\n  - b: {raise: {error: {type: "https://example.com/stop", status: 400}}, then: a}\n',
      // a call can fail
      'do:\n  - a: {call: http, with: {method: get, endpoint: "https://example.com"}, then: b}\n  - b: {wait: PT1M, then: a}\n',
      // a nested then: end ends the workflow
      'do:\n  - a:\n      do:\n        - stop: {set: {y: 1}, then: end}\n      then: b\n  - b: {set: {y: 2}, then: a}\n',
    ];
    for (const body of loops) expect(loadWorkflow(wf(body))).toMatchObject({ ok: true });
  });

  it('warns about tasks no path reaches', () => {
    const result = loadWorkflow(
      wf(
        'do:\n  - a: {set: {x: 1}, then: c}\n  - b: {set: {x: 2}}\n  - c: {set: {x: 3}, then: end}\n  - d: {set: {x: 4}}\n',
      ),
    );
    expect(result).toMatchObject({
      ok: true,
      warnings: [
        {
          pointer: '/do/1/b',
          line: 8,
          column: 5,
          message: "task 'b' is never reached: every path before it jumps elsewhere with 'then'",
        },
        { pointer: '/do/3/d' },
      ],
    });
    const guarded = loadWorkflow(
      wf(
        'do:\n  - a: {if: .go, set: {x: 1}, then: end}\n  - b:\n      switch:\n        - s: {when: .y, then: end}\n  - c: {set: {x: 3}}\n',
      ),
    );
    expect(guarded).toMatchObject({ ok: true, warnings: [] });
  });

  it('reports every problem of a document, ordered by position', () => {
    const result = loadWorkflow(
      wf('do:\n  - a:\n      set: {x: 1}\n      then: nowhere\n  - b:\n      frob: 1\n  - a:\n      set: {y: 1}\n'),
    );
    if (result.ok) throw new Error('expected problems');
    expect(result.problems.map((p) => p.pointer)).toEqual(['/do/0/a/then', '/do/1/b', '/do/2/a']);
    const lines = result.problems.map((p) => p.line!);
    expect([...lines].sort((x, y) => x - y)).toEqual(lines);
  });

  it('applies the size limit option', () => {
    const result = loadWorkflow(wf('do: []\n'), { maxBytes: 20 });
    expect(result).toEqual({
      ok: false,
      problems: [{ kind: 'limits', pointer: '', message: 'document is larger than the limit of 20 bytes' }],
    });
  });

  it('applies the depth limit option with the pointer of the too-deep value', () => {
    const result = loadWorkflow(wf('do:\n  - a:\n      set:\n        x: {y: {z: 1}}\n'), { maxDepth: 5 });
    expect(result).toMatchObject({
      ok: false,
      problems: [
        { kind: 'limits', pointer: '/do/0/a/set/x', message: 'document nesting is deeper than the limit of 5 levels' },
      ],
    });
  });

  it('counts the size in UTF-8 bytes', () => {
    const text = wf(`do: []\n# ${'é'.repeat(20)}\n`);
    expect(loadWorkflow(text, { maxBytes: text.length + 5 }).ok).toBe(false);
    expect(loadWorkflow(text, { maxBytes: text.length + 20 }).ok).toBe(true);
  });
});

describe('loadWorkflow: large documents', () => {
  it('summarises thousands of problems after the first 200', () => {
    const yaml = wf('do:\n' + Array.from({ length: 3000 }, (_, i) => `  - t${i}: {frob: ${i}}`).join('\n') + '\n');
    const result = loadWorkflow(yaml);
    if (result.ok) throw new Error('expected problems');
    expect(result.problems).toHaveLength(201);
    expect(result.problems[0]).toMatchObject({
      pointer: '/do/0/t0',
      line: 7,
      message: expect.stringContaining('unknown task kind'),
    });
    expect(result.problems[200].message).toBe('… and 2800 more problems (only the first 200 are listed)');
  }, 60_000);

  it('keeps messages short when a list holds thousands of names', () => {
    const yaml = wf(
      'do:\n' +
        Array.from({ length: 2000 }, (_, i) => `  - t${i}: {set: {x: 1}}`).join('\n') +
        '\n  - last: {set: {x: 1}, then: ghost}\n',
    );
    const result = loadWorkflow(yaml);
    if (result.ok) throw new Error('expected problems');
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0].message).toContain('t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, … 1991 more');
  }, 60_000);

  it('loads a document with a string value close to the size limit', () => {
    const result = loadWorkflow(wf(`do:\n  - a: {set: {x: '${'y'.repeat(1_000_000)}'}}\n`));
    expect(result.ok).toBe(true);
  });

  it('expands aliases under the limit', () => {
    const result = loadWorkflow(
      wf('x: &a [1]\ny: [' + Array.from({ length: 90 }, () => '*a').join(',') + ']\ndo: []\n'),
    );
    expect(result).toMatchObject({ ok: true, warnings: [{ pointer: '/x' }, { pointer: '/y' }] });
  });
});

describe('validateDocument', () => {
  it('validates parsed JSON, including the depth limit', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    const result = validateDocument({
      document: { dsl: '1.0.3', namespace: 'a', name: 'n', version: '1' },
      do: [],
      deep,
    });
    expect(result).toMatchObject({
      ok: false,
      problems: [{ kind: 'limits', message: 'document nesting is deeper than the limit of 64 levels' }],
    });
    expect(
      validateDocument({
        document: { dsl: '1.0.3', namespace: 'a', name: 'n', version: '1.0.0' },
        do: [{ a: { set: { x: 1 } } }],
      }).ok,
    ).toBe(true);
  });
});

describe('loadWorkflow: additions of the next specification version', () => {
  const loop = (source: string) =>
    wf(`do:\n  - loop:\n      for: {in: ${source}}\n      do:\n        - a: {set: {x: 1}}\n`);

  it('accepts an inline array of objects as for.in, expressions inside it included, and keeps it as written', () => {
    const result = loadWorkflow(loop('[{n: 1}, {n: "${ .x }"}]'));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.workflow.do[0].loop).toEqual({
      for: { in: [{ n: 1 }, { n: '${ .x }' }] },
      do: [{ a: { set: { x: 1 } } }],
    });
  });

  it('refuses inline items that are not objects, each at its own pointer', () => {
    const result = loadWorkflow(loop('[1, {n: 2}]'));
    expect(result.ok ? [] : result.problems).toEqual([
      {
        kind: 'schema',
        pointer: '/do/0/loop/for/in/0',
        message: 'expected object, got integer 1',
        line: 8,
        column: 18,
      },
    ]);
  });

  it('names both forms when for.in is neither', () => {
    const result = loadWorkflow(loop('3'));
    expect(result.ok ? [] : result.problems.map((p) => [p.pointer, p.message])).toEqual([
      ['/do/0/loop/for/in', 'expected string or array, got integer 3'],
    ]);
  });

  it('checks the expressions inside inline items', () => {
    const result = loadWorkflow(loop('[{n: "${ .x | }"}]'));
    expect(result.ok ? [] : result.problems.map((p) => [p.kind, p.pointer])).toEqual([
      ['semantic', '/do/0/loop/for/in/0/n'],
    ]);
  });
});
