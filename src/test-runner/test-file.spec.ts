import { loadTestFile } from './test-file';

describe('loadTestFile', () => {
  it('reads tests, merging file-level mocks, secrets and env after each test’s own', () => {
    const result = loadTestFile(`workflow: wf.yaml
secrets: { token: file }
env: { REGION: eu }
mocks:
  http:
    - url: https://a.test/*
      respond: { status: 500 }
tests:
  - name: first
    input: { n: 1 }
    secrets: { token: test }
    mocks:
      http:
        - url: https://a.test/x
          calls: 2
          respond:
            - { status: 503 }
            - { body: { ok: true } }
    events:
      - after: PT1H
        event: { type: com.example.ping }
    timeout: P2D
    expect:
      output: null
      tasks: { completed: [a] }
`);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const [test] = result.file.tests;
    expect(result.file.workflow).toBe('wf.yaml');
    expect(test).toMatchObject({
      name: 'first',
      line: 9,
      input: { n: 1 },
      secrets: { token: 'test' },
      env: { REGION: 'eu' },
      events: [{ afterMs: 3_600_000, event: { type: 'com.example.ping' } }],
      timeoutMs: 2 * 86_400_000,
      expect: { output: { value: null }, tasks: { completed: ['a'] } },
    });
    expect(test.mocks.map((m) => [m.pointer, m.line, m.answers.length, m.calls])).toEqual([
      ['/tests/0/mocks/http/0', 14, 2, 2],
      ['/mocks/http/0', 6, 1, undefined],
    ]);
    expect(test.mocks[0].match).toEqual({ url: 'https://a.test/x' });
  });

  it('reports every problem with its pointer and line:column', () => {
    const result = loadTestFile(`workflow: wf.yaml
tests:
  - name: x
    mocks:
      http:
        - url: 42
          respond: { status: 200 }
      smtp: []
    expect: { status: done }
  - input: {}
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.line}:${p.column} ${p.pointer} ${p.message}`)).toEqual([
      '6:16 /tests/0/mocks/http/0/url expected string, got integer 42',
      "8:7 /tests/0/mocks/smtp unknown property 'smtp'",
      '9:23 /tests/0/expect/status expected "completed" or "faulted" or "cancelled", got string "done"',
      "10:5 /tests/1 missing required property 'name'",
    ]);
  });

  it('reports YAML syntax errors at their position', () => {
    const result = loadTestFile('workflow: wf.yaml\ntests:\n  - name: [x\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ kind: 'yaml', line: expect.any(Number) });
  });
});
