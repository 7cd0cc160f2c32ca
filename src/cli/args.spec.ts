import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine, parseInputJson } from './args';
import type { CliIo } from './cli-io';
import { CliError, EXIT } from './exit-codes';
import { runCli } from './main';

function usageError(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(EXIT.USAGE);
    return err as CliError;
  }
  throw new Error('expected a usage error');
}

describe('parseCommandLine', () => {
  it.each([
    [[], { name: 'help', topic: undefined }],
    [['--help'], { name: 'help', topic: undefined }],
    [['help', 'run'], { name: 'help', topic: 'run' }],
    [['run', '--help'], { name: 'help', topic: 'run' }],
    [['-v'], { name: 'version' }],
    [['validate', 'a.yaml'], { name: 'validate', file: 'a.yaml', json: false }],
    [['validate', '--json', 'a.yaml'], { name: 'validate', file: 'a.yaml', json: true }],
    [['graph', 'a.yaml'], { name: 'graph', file: 'a.yaml', format: 'mermaid' }],
    [
      ['graph', 'a.yaml', '--execution', 'ex-1', '--format', 'svg'],
      { name: 'graph', file: 'a.yaml', execution: 'ex-1', format: 'svg' },
    ],
    [['schema'], { name: 'schema', test: false }],
    [['schema', '--test'], { name: 'schema', test: true }],
    [['test'], { name: 'test', paths: [], json: false, watch: false }],
    [
      ['test', 'examples', 'flows/a.test.yaml', '--json', '--junit', 'out.xml', '--watch', '--filter', 'retry'],
      {
        name: 'test',
        paths: ['examples', 'flows/a.test.yaml'],
        json: true,
        junit: 'out.xml',
        watch: true,
        filter: 'retry',
      },
    ],
    [
      ['run', 'a.yaml', '--input', '{"x":1}', '--json'],
      { name: 'run', file: 'a.yaml', json: true, input: '{"x":1}', inputFile: undefined },
    ],
    [
      ['run', 'a.yaml', '--input-file', 'in.json'],
      { name: 'run', file: 'a.yaml', json: false, input: undefined, inputFile: 'in.json' },
    ],
    [['serve'], { name: 'serve' }],
    [
      ['definitions', 'register', 'a.yaml', 'b.yml'],
      { name: 'definitions', action: 'register', files: ['a.yaml', 'b.yml'], json: false },
    ],
    [['definitions', 'list', '--json'], { name: 'definitions', action: 'list', json: true }],
    [
      ['definitions', 'list', '--namespace', 'ops', '--name', 'nightly'],
      { name: 'definitions', action: 'list', namespace: 'ops', defName: 'nightly', json: false },
    ],
    [
      ['definitions', 'remove', 'ops', 'nightly'],
      { name: 'definitions', action: 'remove', namespace: 'ops', defName: 'nightly', json: false },
    ],
    [
      ['definitions', 'remove', 'ops', 'nightly', '1.2.0', '--json'],
      { name: 'definitions', action: 'remove', namespace: 'ops', defName: 'nightly', version: '1.2.0', json: true },
    ],
    [['definitions', '--help'], { name: 'help', topic: 'definitions' }],
  ])('%j → %j', (argv, expected) => {
    expect(parseCommandLine(argv)).toEqual(expected);
  });

  it.each([
    [['launch'], /unknown command 'launch'/],
    [['validate'], /exactly one FILE argument, got 0/],
    [['graph', 'a.yaml', 'b.yaml'], /exactly one FILE argument, got 2/],
    [['validate', 'a.yaml', '--yaml'], /Unknown option '--yaml'/],
    [['graph', 'a.yaml', '--json'], /Unknown option '--json'/],
    [['run', 'a.yaml', '--input'], /argument missing/],
    [['run', 'a.yaml', '--input', '{}', '--input-file', 'x'], /either --input or --input-file/],
    [['serve', 'extra'], /serve takes no arguments/],
    [['schema', 'x'], /schema takes no arguments/],
    [['graph', 'a.yaml', '--format', 'png'], /--format is mermaid or svg, got 'png'/],
    [['test', '--junit'], /argument missing/],
    [['definitions'], /definitions: missing action \(register, list or remove\)/],
    [['definitions', 'show'], /unknown action 'show'/],
    [['definitions', 'register'], /at least one FILE/],
    [['definitions', 'list', 'ops'], /list takes no arguments, got 'ops'/],
    [['definitions', 'list', '--version', '1'], /definitions list: Unknown option '--version'/],
    [['definitions', 'remove', 'ops'], /NAMESPACE NAME \[VERSION\], got 1 argument$/],
    [['definitions', 'remove', 'a', 'b', 'c', 'd'], /got 4 arguments/],
  ])('%j is a usage error (%s)', (argv, message) => {
    expect(usageError(() => parseCommandLine(argv)).message).toMatch(message);
  });
});

describe('parseInputJson', () => {
  it('accepts a JSON object', () => {
    expect(parseInputJson('{"order":{"id":7}}', '--input')).toEqual({ order: { id: 7 } });
  });

  it.each([
    ['{oops', /--input: not valid JSON/],
    ['[1,2]', /must be a JSON object, got an array/],
    ['42', /must be a JSON object, got 42/],
    ['null', /must be a JSON object, got null/],
  ])('refuses %s', (text, message) => {
    expect(usageError(() => parseInputJson(text, '--input')).message).toMatch(message);
  });
});

describe('runCli (in process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wr-cli-'));
  const good = join(dir, 'good.yaml');
  const bad = join(dir, 'bad.yaml');
  writeFileSync(
    good,
    'document:\n  dsl: "1.0.0"\n  namespace: t\n  name: ok\n  version: "1.0.0"\ndo:\n  - a:\n      set:\n        x: 1\n',
  );
  writeFileSync(
    bad,
    'document:\n  dsl: "1.0.0"\n  namespace: t\n  name: ko\n  version: "1.0.0"\ndo:\n  - a:\n      set:\n        x: 1\n      then: b\n',
  );

  function io(): CliIo & { stdout: string; stderr: string } {
    const sink = { stdout: '', stderr: '' };
    return Object.assign(sink, {
      out: (t: string) => void (sink.stdout += t),
      err: (t: string) => void (sink.stderr += t),
      errIsTty: false,
      env: {},
    });
  }

  it('prints help and exits 0', async () => {
    const out = io();
    expect(await runCli(['--help'], out)).toBe(EXIT.OK);
    expect(out.stdout).toMatch(/^Usage: workflow-runner/);
    expect(out.stdout).toMatch(/Exit codes/);
  });

  it('validates a good file (0) and lists a bad one with line:column (1)', async () => {
    const ok = io();
    expect(await runCli(['validate', good], ok)).toBe(EXIT.OK);
    expect(ok.stdout).toBe(`${good}: valid\n`);
    const ko = io();
    expect(await runCli(['validate', bad], ko)).toBe(EXIT.FAILED);
    expect(ko.stdout).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:10:13 /do/0/a/then .*'b'`));
  });

  it('reports a usage error on stderr with exit 2 and an unreadable file with exit 4', async () => {
    const usage = io();
    expect(await runCli(['validate'], usage)).toBe(EXIT.USAGE);
    expect(usage.stderr).toMatch(/needs exactly one FILE/);
    expect(usage.stdout).toBe('');
    const missing = io();
    expect(await runCli(['graph', join(dir, 'missing.yaml')], missing)).toBe(EXIT.ENVIRONMENT);
    expect(missing.stderr).toMatch(/cannot read workflow file .*missing\.yaml: no such file/);
  });

  it('definitions register refuses an invalid file (1) and a missing TEMPORAL_SERVICE_ADDRESS (4) before connecting', async () => {
    const invalid = io();
    invalid.env = { TEMPORAL_SERVICE_ADDRESS: '127.0.0.1:1' };
    expect(await runCli(['definitions', 'register', good, bad], invalid)).toBe(EXIT.FAILED);
    expect(invalid.stdout).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:10:13 /do/0/a/then `));
    expect(invalid.stderr).toMatch(/nothing registered: 1 of 2 files refused/);
    const unset = io();
    expect(await runCli(['definitions', 'list'], unset)).toBe(EXIT.ENVIRONMENT);
    expect(unset.stderr).toMatch(/TEMPORAL_SERVICE_ADDRESS: is required/);
  });

  it('run --json on an invalid workflow reports faulted without needing Temporal', async () => {
    const out = io();
    expect(await runCli(['run', bad, '--json'], out)).toBe(EXIT.FAILED);
    const report = JSON.parse(out.stdout);
    expect(Object.keys(report)).toEqual(['status', 'output', 'error', 'tasks']);
    expect(report).toMatchObject({
      status: 'faulted',
      output: null,
      tasks: [],
      error: { status: 400, title: 'Invalid workflow' },
    });
  });
});
