/**
 * Builds the runner's Temporal worker: the `serverlessWorkflow` workflow (from source or a prebuilt
 * bundle), the activities created from their dependencies, and the `progress` sink, which is never called
 * during replay so a progress event leaves the worker once per real execution.
 */
import {
  type BundleOptions,
  type InjectedSinks,
  NativeConnection,
  Worker,
  type WorkerInterceptors,
  type WorkflowBundle,
} from '@temporalio/worker';
import type { DataConverter, Duration } from '@temporalio/common';
import type { WorkflowProgressEvent } from './contract';
import { createActivities, type RunnerActivities } from './activities';
import { type ProgressBatch, unpackProgressBatch } from './progress-batch';
import type { ActivityDeps } from './activities/deps';

/** webpack's configuration, as the SDK's bundler hands it to `webpackConfigHook`. */
type WebpackConfiguration = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/** Where a progress event came from (Temporal reads of its run need the workflow id). */
export interface ProgressOrigin {
  workflowId: string;
  runId: string;
}

export interface RunnerWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ActivityDeps;
  onProgress: (event: WorkflowProgressEvent, origin: ProgressOrigin) => void;
  /**
   * The worker's identity, recorded by Temporal on every workflow task it completes; unique per process so
   * that the delivery recovery can find the runs a dead replica touched. Default: the SDK's `pid@host`.
   */
  identity?: string;
  /**
   * Replaces activities before the worker registers them (`workflow-runner test` answers calls from its
   * mocks this way); receives the real ones, created from `activities`.
   */
  wrapActivities?: (real: RunnerActivities) => RunnerActivities;
  /** A bundle made by `bundleWorkflowCode` (production images prebuild it); otherwise bundled from source. */
  workflowBundle?: WorkflowBundle;
  shutdownGraceTime?: Duration;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  /** Payload encryption (src/codec/data-converter.ts); unset: the SDK's default converter, payloads in clear. */
  dataConverter?: DataConverter;
  /** Activity interceptors and the workflow span sink of tracing (src/tracing); unset: no tracing. */
  tracing?: { interceptors: WorkerInterceptors; sinks: InjectedSinks<any> };
}

/**
 * Workflow spans leave through the `exporter` sink, but only runs started with a trace context make any
 * (workflows/tracing.ts). Such a run on a worker without tracing gets this sink that drops them, instead of
 * calls to a sink nobody registered.
 */
const NO_TRACING_SINKS = { exporter: { export: { fn: () => undefined, callDuringReplay: false } } };

/** Path of the workflow bundle's entry (every workflow type the worker registers), for `bundleWorkflowCode`. */
export const WORKFLOWS_PATH = require.resolve('./workflows/bundle-entry');

/**
 * Modules the reusable V8 context loads once and shares with every workflow it runs, instead of evaluating
 * them again for each workflow: the runner's whole workflow code (interpreter, DSL helpers, jq engine).
 * Sharing is safe because none of them keeps per-workflow state at module level (Temporal APIs such as
 * sinks and activities look the running workflow up when called); the only shared state is the DSL's jq
 * Engine (`workflowJq` in src/zigflow/dsl/jq-engine.ts): its parsed builtins and its caches of compiled
 * programs and regular expressions, pure functions of their keys, so a cache hit and a miss give the same
 * result and each jq program is compiled once per worker thread. Temporal deep-freezes shared modules after
 * loading them; the engine keeps its caches in Maps and closures, which stay usable. test/dsl/shared-modules.test.ts
 * guards the isolation.
 */
export const SHARED_WORKFLOW_MODULES: readonly string[] = [WORKFLOWS_PATH];

/** Workflow interceptor modules (progress events leave once per activation). */
export const WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [require.resolve('./workflows/interceptors')];

/**
 * The bundle's inline source map without the sources' text (webpack's `inline-nosources-source-map`): stack
 * traces of workflow code still name the original file, line and column, which is all the SDK reads from
 * the map unless `showStackTraceSources` is on (the runner never sets it). The text was 1.9 MB of the 5.5 MB
 * bundle, and a worker holds the map in its main thread and its workflow thread: 46 MB less idle RSS without
 * it (bench/README.md).
 */
export function withoutSourceContents(config: WebpackConfiguration): WebpackConfiguration {
  return { ...config, devtool: 'inline-nosources-source-map' };
}

/** The JavaScript version workflow TypeScript is compiled to: what the workers' Node (20 and later) runs natively. */
export const WORKFLOW_SYNTAX_TARGET = 'es2022';

type SwcRule = { use: { loader: string; options: { jsc?: Record<string, unknown> } } };

function isSwcRule(rule: unknown): rule is SwcRule {
  const use = (rule as { use?: { loader?: unknown } } | undefined)?.use;
  return typeof use?.loader === 'string' && use.loader.includes('swc-loader');
}

/**
 * The SDK compiles workflow TypeScript with swc for ES2017, so object spread, class fields, `?.` and `??`
 * become helper calls (`_object_spread`, `_define_property`, ...) on every use in the interpreter and the jq
 * engine. Compiled for ES2022 they run natively; the behaviour is the same (class fields keep their define
 * semantics, and no workflow command changes: every recorded replay history passes). Throws when the SDK's
 * configuration has no swc rule, so an SDK upgrade that moves it is noticed rather than silently undone.
 */
export function withModernSyntax(config: WebpackConfiguration): WebpackConfiguration {
  const rules = config.module?.rules ?? [];
  if (!rules.some(isSwcRule))
    throw new Error('workflow bundle: no swc-loader rule in the Temporal SDK webpack configuration');
  const modern = rules.map((rule) => {
    if (!isSwcRule(rule)) return rule;
    const { options } = rule.use;
    return {
      ...rule,
      use: { ...rule.use, options: { ...options, jsc: { ...options.jsc, target: WORKFLOW_SYNTAX_TARGET } } },
    };
  });
  return { ...config, module: { ...config.module, rules: modern } };
}

/**
 * Built-in objects the workflow bundle binds once, as constants of its own script scope, before any of its
 * modules runs. Workflow code runs in a Node `vm` context, where every read of a global variable (`Array`,
 * `Object`, `Math`, ...) goes through the context's C++ property interceptor instead of V8's inline caches: a
 * loop of such calls ran 34 times slower through the globals than through constants (bench/vm-globals.ts).
 * Every module of the bundle (the interpreter, the jq engine, the hand-written bench workflows, the SDK's
 * workflow runtime) sees these constants instead of the globals.
 *
 * Only objects that no workflow can make non-deterministic and that the SDK never replaces: not `Date`,
 * `setTimeout`, `clearTimeout`, `WeakRef` or `FinalizationRegistry` (the SDK installs deterministic ones when
 * the bundle starts), and `Math` is bound as the object, so `Math.random` is still the SDK's seeded one.
 */
export const WORKFLOW_INTRINSICS: readonly string[] = [
  'Object',
  'Array',
  'Math',
  'JSON',
  'Number',
  'String',
  'Boolean',
  'Symbol',
  'BigInt',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Promise',
  'Reflect',
  'Proxy',
  'RegExp',
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ArrayBuffer',
  'Uint8Array',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURIComponent',
  'decodeURIComponent',
];

/** The line the bundle starts with: `const Object = globalThis.Object, ...;` (script scope, so every module sees it). */
export function intrinsicBindings(names: readonly string[] = WORKFLOW_INTRINSICS): string {
  return `const ${names.map((name) => `${name} = globalThis.${name}`).join(', ')};`;
}

interface WebpackCompilerLike {
  webpack: {
    BannerPlugin: new (options: { banner: string; raw: boolean; entryOnly: boolean }) => { apply(c: unknown): void };
  };
}

/**
 * Puts `intrinsicBindings()` at the top of the bundle with webpack's own BannerPlugin (taken from the
 * compiler the SDK runs, so the runner does not depend on webpack itself); the plugin shifts the source map.
 */
export function withIntrinsicBindings(config: WebpackConfiguration): WebpackConfiguration {
  const banner = intrinsicBindings();
  const plugin = {
    apply(compiler: WebpackCompilerLike) {
      new compiler.webpack.BannerPlugin({ banner, raw: true, entryOnly: true }).apply(compiler);
    },
  };
  return { ...config, plugins: [...(config.plugins ?? []), plugin as never] };
}

/** Every change the runner makes to the SDK's webpack configuration of workflow bundles. */
export function workflowWebpackConfig(config: WebpackConfiguration): WebpackConfiguration {
  return withIntrinsicBindings(withModernSyntax(withoutSourceContents(config)));
}

/** Options of `bundleWorkflowCode` for the runner's workflows (or for an entry module that re-exports them). */
export function workflowBundleOptions(workflowsPath: string = WORKFLOWS_PATH): {
  workflowsPath: string;
  preloadModules: string[];
  workflowInterceptorModules: string[];
  webpackConfigHook: (config: WebpackConfiguration) => WebpackConfiguration;
} {
  return {
    workflowsPath,
    preloadModules: [...SHARED_WORKFLOW_MODULES],
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES],
    webpackConfigHook: workflowWebpackConfig,
  };
}

export async function createRunnerWorker(options: RunnerWorkerOptions): Promise<Worker> {
  const wrap = options.wrapActivities ?? ((real: RunnerActivities) => real);
  const bundling = workflowBundleOptions();
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : {
        workflowsPath: bundling.workflowsPath,
        bundlerOptions: { preloadModules: bundling.preloadModules, webpackConfigHook: bundling.webpackConfigHook },
      };
  // A prebuilt bundle has the interceptor modules baked in.
  const workflowModules = options.workflowBundle ? undefined : bundling.workflowInterceptorModules;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    // Absent, not undefined: the SDK refuses an explicit undefined identity.
    ...(options.identity ? { identity: options.identity } : {}),
    ...workflowSource,
    interceptors: { ...options.tracing?.interceptors, workflowModules },
    activities: wrap(createActivities(options.activities)),
    sinks: {
      ...(options.tracing?.sinks ?? NO_TRACING_SINKS),
      progress: {
        emitBatch: {
          fn: (info, batch: ProgressBatch) => {
            const origin = { workflowId: info.workflowId, runId: info.runId };
            for (const event of unpackProgressBatch(batch)) options.onProgress(event, origin);
          },
          callDuringReplay: false,
        },
      },
    },
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
    dataConverter: options.dataConverter,
  });
}
