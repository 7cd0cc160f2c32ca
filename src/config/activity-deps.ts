/** The one place where configuration becomes the activities' dependencies. */
import type { ActivityDeps, ActivityLogger, WorkflowRegistry } from '../temporal/activities/deps';
import type { RunnerConfig } from './runner-config';

/** `workflows`: the definition registry `run: workflow` resolves from (the service passes its Temporal one). */
export function activityDepsFromConfig(
  config: RunnerConfig,
  logger?: ActivityLogger,
  workflows?: WorkflowRegistry,
): ActivityDeps {
  const { runtime } = config;
  return {
    http: {
      requestTimeoutMs: runtime.httpTimeoutMs,
      maxResponseBytes: runtime.httpMaxResponseBytes,
      allowHosts: runtime.httpAllowedHosts,
      blockPrivateNetworks: runtime.httpBlockPrivateNetworks,
    },
    secretsKey: runtime.secretsKey,
    process: {
      shellEnabled: runtime.shellEnabled,
      scriptEnabled: runtime.scriptEnabled,
      timeoutMs: runtime.runTimeoutMs,
      containerRuntime: runtime.containerRuntime === 'none' ? undefined : runtime.containerRuntime,
    },
    eventSinkUrl: runtime.eventSinkUrl,
    mcp: {
      stdioEnabled: runtime.mcpStdioEnabled,
      stdioCommands: runtime.mcpStdioCommands,
      timeoutMs: runtime.mcpTimeoutMs,
    },
    asyncApi: { maxConsumeMs: runtime.asyncApiMaxConsumeMs },
    workflows,
    logger,
  };
}
