/**
 * `workflow-runner test [PATH...]`: finds the test files, runs them (src/test-runner) on one
 * time-skipping test server, prints the summary, `--json` or JUnit XML, and with `--watch` runs again
 * whenever a YAML or JSON file changes.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { discoverTestFiles, MissingPathError } from '../test-runner/discovery';
import { allPassed, jsonReport, junitReport, textReport } from '../test-runner/reports';
import { relativeDisplay, runTestFile, type FileResult, type TestRunnerDeps } from '../test-runner/test-runner';
import { TestSession } from '../test-runner/test-session';
import { watchDirectories } from '../test-runner/watch';
import type { TestCommand } from './args';
import { cliAi, cliLoadOptions, type CliAi } from './cli-ai';
import { cliRunLimits } from './cli-limits';
import type { CliIo } from './cli-io';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { cliActivityDeps, installQuietRuntime, prebuiltWorkflowBundle, PROJECT_ROOT } from './run.command';

/**
 * The time-skipping test server: TEMPORAL_TEST_SERVER_PATH, the project's .venv (where
 * scripts/install-temporal-test-server.sh puts it), or `temporal-test-server` on PATH. Undefined lets
 * the SDK download its own, which needs the internet.
 */
export function findTestServer(env: CliIo['env']): string | undefined {
  if (env.TEMPORAL_TEST_SERVER_PATH) return env.TEMPORAL_TEST_SERVER_PATH;
  const local = join(PROJECT_ROOT, '.venv', 'bin', 'temporal-test-server');
  if (existsSync(local)) return local;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (existsSync(join(dir, 'temporal-test-server'))) return join(dir, 'temporal-test-server');
  }
  return undefined;
}

/** Starts the session on first use and closes it at the end. */
class LazySession {
  private started?: Promise<TestSession>;
  /** The default catalog's settings, as `run` has them: what `allowRealCalls` reaches (the store opens on use). */
  private ai?: CliAi;

  constructor(private readonly io: CliIo) {}

  get(): Promise<TestSession> {
    this.started ??= this.start();
    return this.started;
  }

  private async start(): Promise<TestSession> {
    installQuietRuntime('ERROR');
    const testServerPath = findTestServer(this.io.env);
    const limits = cliRunLimits(this.io.env);
    this.ai = cliAi(this.io);
    try {
      return await TestSession.start({
        testServerPath,
        activityDeps: cliActivityDeps(this.io, this.ai),
        workflowBundle: prebuiltWorkflowBundle(),
        limits,
      });
    } catch (err) {
      const hint = testServerPath
        ? `(test server ${testServerPath})`
        : '(no test server found: run `npm run setup:test-server` or set TEMPORAL_TEST_SERVER_PATH)';
      throw new CliError(
        `cannot start the time-skipping test server: ${(err as Error).message} ${hint}`,
        EXIT.ENVIRONMENT,
      );
    }
  }

  async close(): Promise<void> {
    const session = await this.started?.catch(() => undefined);
    await session?.close();
    await this.ai?.close();
  }
}

async function runOnce(io: CliIo, command: TestCommand, session: LazySession, cwd: string): Promise<ExitCode> {
  const started = Date.now();
  let files: string[];
  try {
    files = await discoverTestFiles(command.paths, cwd);
  } catch (err) {
    if (err instanceof MissingPathError) throw new CliError(err.message, EXIT.ENVIRONMENT);
    throw err;
  }
  if (files.length === 0) {
    io.err(`no test files (*.test.yaml) under ${command.paths.length > 0 ? command.paths.join(', ') : cwd}\n`);
    return EXIT.FAILED;
  }
  const deps: TestRunnerDeps = {
    readText: (path) => readFile(path, 'utf8'),
    session: () => session.get(),
    now: () => Date.now(),
    display: relativeDisplay(cwd),
    defaultCatalog: cliLoadOptions(io).defaultCatalog,
  };
  const results: FileResult[] = [];
  for (const file of files) results.push(await runTestFile(file, deps, command.filter));
  io.out(command.json ? jsonReport(results) : textReport(results, Date.now() - started));
  if (command.junit) {
    const target = resolve(cwd, command.junit);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, junitReport(results));
  }
  return allPassed(results) ? EXIT.OK : EXIT.FAILED;
}

function interrupted(): Promise<void> {
  return new Promise((done) => process.once('SIGINT', () => done()));
}

/**
 * @param stopWatching resolves when `--watch` should end (Ctrl-C; tests pass their own)
 */
export async function testCommand(
  io: CliIo,
  command: TestCommand,
  stopWatching: Promise<void> = interrupted(),
  cwd = process.cwd(),
): Promise<ExitCode> {
  const session = new LazySession(io);
  try {
    if (!command.watch) return await runOnce(io, command, session, cwd);
    // Watching starts before the first run, so a change made while it runs is not missed.
    const dirs = (command.paths.length > 0 ? command.paths : ['.']).map((p) => resolve(cwd, p));
    const watched = dirs.map((d) => (existsSync(d) && !/\.ya?ml$/.test(d) ? d : dirname(d)));
    let code: ExitCode = EXIT.FAILED;
    // The first run may fail for good (no test server: exit 4); later ones report and keep watching.
    const runAndKeepCode = async (first = false) => {
      code = await runOnce(io, command, session, cwd).catch((err: unknown) => {
        if (first && err instanceof CliError && err.exitCode === EXIT.ENVIRONMENT) throw err;
        io.err(`workflow-runner: ${err instanceof Error ? err.message : String(err)}\n`);
        return EXIT.FAILED;
      });
    };
    let queue = Promise.resolve();
    const stop = watchDirectories(watched, (file) => {
      // One run at a time: a change during a run queues the next one.
      queue = queue.then(() => {
        io.err(`\n${file} changed: running again\n`);
        return runAndKeepCode();
      });
    });
    try {
      queue = queue.then(() => runAndKeepCode(true)).then(() => io.err('watching for changes (Ctrl-C to stop)\n'));
      await Promise.race([stopWatching, queue.then(() => stopWatching)]);
    } finally {
      stop();
    }
    await queue.catch(() => undefined);
    return code;
  } finally {
    await session.close();
  }
}
