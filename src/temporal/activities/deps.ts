/**
 * What the runner's activities depend on. Plain data and functions only (no Nest types): the Nest
 * TemporalModule, the CLI and the test harness each build one and pass it to `createActivities`.
 */
export interface ActivityLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface HttpSettings {
  /** Per-request timeout (default 30 s). */
  requestTimeoutMs?: number;
  /** Largest response body read, in bytes (default 10 MiB). */
  maxResponseBytes?: number;
  /**
   * Hosts or IP literals that may be called even though they sit in a blocked range (link-local,
   * cloud metadata). Loopback and private ranges are allowed by default.
   */
  allowHosts?: string[];
  /** Also block loopback and private (RFC 1918 / ULA) addresses. */
  blockPrivateNetworks?: boolean;
  /** Rewrites every outgoing URL (tests point public hosts at local fakes with it). */
  rewriteUrl?: (url: string) => string;
}

export interface ProcessSettings {
  /** `run: shell` is refused unless true. */
  shellEnabled?: boolean;
  /** `run: script` is refused unless true. */
  scriptEnabled?: boolean;
  /** Upper bound of one process run (default 60 s). */
  timeoutMs?: number;
  /** Interpreter commands per script language (defaults: js → node, python → python3). */
  interpreters?: Record<string, string>;
  /** Container runtime binary (docker, podman); `run: container` is a configuration error without it. */
  containerRuntime?: string;
}

export interface McpSettings {
  /** `call: mcp` with a stdio transport is refused unless true. */
  stdioEnabled?: boolean;
  /**
   * Allowed stdio servers: each entry is a command and the leading arguments it must be called with
   * (`['npx', '@modelcontextprotocol/server-everything']`); a call must match one entry.
   */
  stdioCommands?: string[][];
  /** Bound of one MCP call (connect, initialize, request) when the task sets no `timeout` (default 60 s). */
  timeoutMs?: number;
}

export interface AsyncApiSettings {
  /** Longest a subscription consumes when `consume.for` is not set (default 1 h). */
  maxConsumeMs?: number;
  /** Bound of connecting to a broker (default 30 s). */
  connectTimeoutMs?: number;
}

export interface WorkflowRegistry {
  /** YAML of a registered definition, or undefined. `version` undefined means the latest. */
  resolve(namespace: string, name: string, version?: string): string | undefined | Promise<string | undefined>;
}

export interface ActivityDeps {
  http?: HttpSettings;
  /** 32-byte key that opens sealed secret environment entries. */
  secretsKey?: Buffer;
  process?: ProcessSettings;
  /** HTTP endpoint receiving emitted CloudEvents (structured mode); events are only reported when unset. */
  eventSinkUrl?: string;
  mcp?: McpSettings;
  asyncApi?: AsyncApiSettings;
  /** Definitions that `run: workflow` may start. */
  workflows?: WorkflowRegistry;
  logger?: ActivityLogger;
}
