import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';

/**
 * The embedded Temporal server: the Temporal CLI's `temporal server start-dev`, used by the CLI's
 * `run` command when no Temporal is configured, by the demo and by the integration tests.
 */
export interface DevServerOptions {
  /** Path to the CLI; otherwise TEMPORAL_CLI_PATH, PATH, then the project's .venv/.temporal installs. */
  cliPath?: string;
  port?: number;
  uiPort?: number;
  /** Turn the Web UI off (tests). */
  headless?: boolean;
  /** Codec server the Web UI decodes payloads with (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  /** Persist state in this SQLite file (fault tests restart the server on it). */
  dbFile?: string;
  namespace?: string;
  /**
   * Dynamic config values (`--dynamic-config-value KEY=JSON`), e.g. `system.enableActivityEagerExecution: true`
   * (the bench measures server settings with it).
   */
  dynamicConfig?: Record<string, unknown>;
  /** Where the server's own output goes; ignored by default. */
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface DevServer {
  readonly address: string;
  readonly uiUrl?: string;
  readonly namespace: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

const projectRoot = resolve(__dirname, '..', '..', __dirname.includes(`${join('dist', 'src')}`) ? '..' : '');

export function findTemporalCli(explicit?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (explicit) candidates.push(explicit);
  if (env.TEMPORAL_CLI_PATH) candidates.push(env.TEMPORAL_CLI_PATH);
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, 'temporal'));
  candidates.push(join(projectRoot, '.venv', 'bin', 'temporal'), join(projectRoot, '.temporal', 'bin', 'temporal'));
  return candidates.find((c) => existsSync(c));
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = findTemporalCli(options.cliPath);
  if (!cli) {
    throw new Error(
      'Temporal CLI not found: set TEMPORAL_CLI_PATH, put `temporal` on PATH, or run `npm run setup:temporal`',
    );
  }
  const port = options.port ?? (await freePort());
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  let uiPort: number | undefined;
  if (options.headless) args.push('--headless');
  else {
    uiPort = options.uiPort ?? (await freePort());
    args.push('--ui-port', String(uiPort));
  }
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {}))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  if (options.uiCodecEndpoint && !options.headless) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  args.push('--log-level', 'error');
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.log;
  child.stdout?.on('data', (d: Buffer) => log?.(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log?.(d.toString()));
  const address = `127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  await waitUntilServing(address, options.startTimeoutMs ?? 60_000, () => exited);
  return {
    address,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined,
    namespace,
    process: child,
    stop: () => stopProcess(child),
  };
}

async function waitUntilServing(address: string, timeoutMs: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`Temporal dev server exited during start-up (${address})`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.getSystemInfo({});
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Temporal dev server at ${address} did not become ready: ${String(lastError)}`);
}

export function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}
