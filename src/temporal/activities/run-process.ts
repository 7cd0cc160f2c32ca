/**
 * `run: shell`, `run: script` and `run: container` as child processes, each disabled unless the runner's
 * configuration enables it and bounded by a timeout. `return` picks stdout (default), stderr, code, all or
 * none; a non-zero exit code raises a `runtime` error unless `return` is `code` or `all`.
 */
import { spawn } from 'node:child_process';
import { performHttp } from './call-http';
import type { ActivityDeps } from './deps';
import { resolveDeferred } from './deferred';
import { failure } from './failures';
import type { RunProcessRequest } from './types';

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 1024 * 1024;
/** Largest script fetched from a `source` (the whole text is passed on the interpreter's command line). */
export const MAX_SCRIPT_BYTES = 256 * 1024;

interface Launch {
  command: string;
  args: string[];
  shell: boolean;
  env: Record<string, string>;
  stdin?: string;
}

export function createRunProcesses(deps: ActivityDeps) {
  const settings = deps.process ?? {};
  const prepare = (request: RunProcessRequest) =>
    resolveDeferred(request.args, request.scope, deps.secretsKey, request.position) as Record<string, any>;
  return {
    async runShell(request: RunProcessRequest): Promise<unknown> {
      if (!settings.shellEnabled)
        throw failure('configuration', 'run: shell is disabled on this runner', { instance: request.position });
      const a = prepare(request);
      const launch: Launch = {
        command: String(a.command ?? ''),
        args: argumentList(a.arguments),
        shell: true,
        env: stringMap(a.environment),
        stdin: a.stdin,
      };
      return processOutput(
        await spawnBounded(launch, settings.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        a.return,
        request.position,
      );
    },
    async runScript(request: RunProcessRequest): Promise<unknown> {
      if (!settings.scriptEnabled)
        throw failure('configuration', 'run: script is disabled on this runner', { instance: request.position });
      const a = prepare(request);
      const language = String(a.language ?? '').toLowerCase();
      const interpreters = { js: 'node', javascript: 'node', python: 'python3', ...settings.interpreters };
      const interpreter = interpreters[language as keyof typeof interpreters];
      if (!interpreter)
        throw failure('configuration', `script language '${language}' is not supported`, {
          instance: request.position,
        });
      const code = await scriptText(deps, a, request.position);
      const flag = interpreter === 'node' ? '-e' : '-c';
      const launch: Launch = {
        command: interpreter,
        args: [flag, code, ...argumentList(a.arguments)],
        shell: false,
        env: stringMap(a.environment),
        stdin: a.stdin,
      };
      return processOutput(
        await spawnBounded(launch, settings.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        a.return,
        request.position,
      );
    },
    async runContainer(request: RunProcessRequest): Promise<unknown> {
      if (!settings.containerRuntime) {
        throw failure('configuration', 'run: container needs a container runtime, and none is configured', {
          instance: request.position,
        });
      }
      const a = prepare(request);
      const envArgs = Object.entries(stringMap(a.environment)).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
      const command = typeof a.command === 'string' && a.command ? ['sh', '-c', a.command] : [];
      const launch: Launch = {
        command: settings.containerRuntime,
        args: ['run', '--rm', '-i', ...envArgs, String(a.image ?? ''), ...command],
        shell: false,
        env: {},
        stdin: a.stdin,
      };
      return processOutput(
        await spawnBounded(launch, settings.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        a.return,
        request.position,
      );
    },
  };
}

/**
 * The script's text: inline `code`, or fetched from `source.endpoint` (a URI or `{ uri, authentication }`)
 * through the same request code, network policy and authentication as `call: http`, bounded in size.
 */
async function scriptText(deps: ActivityDeps, a: Record<string, any>, instance: string): Promise<string> {
  if (typeof a.code === 'string') return a.code;
  const endpoint = a.source?.endpoint;
  if (typeof endpoint !== 'string' && typeof endpoint?.uri !== 'string') {
    throw failure('configuration', 'run: script needs inline code or source.endpoint', { instance });
  }
  const limit = Math.min(deps.http?.maxResponseBytes ?? MAX_SCRIPT_BYTES, MAX_SCRIPT_BYTES);
  const http = { ...deps, http: { ...deps.http, maxResponseBytes: limit } };
  const raw = await performHttp(http, { method: 'get', endpoint, output: 'raw' }, {}, instance);
  const text = Buffer.from(raw as string, 'base64').toString('utf8');
  if (text.includes('\0'))
    throw failure('configuration', 'the script source is not text (it contains NUL bytes)', { instance });
  return text;
}

function argumentList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      v === null || v === undefined || v === '' ? [k] : [k, typeof v === 'string' ? v : JSON.stringify(v)],
    );
  }
  return [];
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>))
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function spawnBounded(launch: Launch, timeoutMs: number): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const quoted = launch.shell
      ? [launch.command, ...launch.args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`)].join(' ')
      : launch.command;
    const child = spawn(quoted, launch.shell ? [] : launch.args, {
      shell: launch.shell,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...launch.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(0, MAX_OUTPUT)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(0, MAX_OUTPUT)));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, timedOut });
    });
    // A process that exits without reading its stdin makes the write fail with EPIPE; that is not an
    // error of the run (its exit code says what happened), and an unhandled stream error would crash the worker.
    child.stdin.on('error', () => undefined);
    child.stdin.end(launch.stdin ?? '');
  });
}

/** The task output of a finished process, by `return` mode; a non-zero exit is a `runtime` error unless `return` is `code` or `all`. */
export function processOutput(result: ProcessResult, returns: unknown, instance: string): unknown {
  if (result.timedOut) throw failure('timeout', 'process exceeded the runner timeout', { instance });
  const mode = typeof returns === 'string' ? returns : 'stdout';
  if (result.code !== 0 && mode !== 'code' && mode !== 'all') {
    throw failure('runtime', `process exited with code ${result.code}: ${result.stderr.slice(0, 300)}`, { instance });
  }
  switch (mode) {
    case 'stderr':
      return result.stderr.trimEnd();
    case 'code':
      return result.code;
    case 'all':
      return { code: result.code, stdout: result.stdout.trimEnd(), stderr: result.stderr.trimEnd() };
    case 'none':
      return null;
    default:
      return result.stdout.trimEnd();
  }
}
