import { bundleWorkflowCode } from '@temporalio/worker';
import { readFileSync } from 'fs';
import {
  WORKFLOW_INTRINSICS,
  WORKFLOW_SYNTAX_TARGET,
  intrinsicBindings,
  withModernSyntax,
  workflowBundleOptions,
} from './worker-factory';

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

describe('workflow bundle options', () => {
  it("compiles the runner's workflow code for ES2022: no helper calls for spread and class fields", async () => {
    const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(), logger: quiet });
    // Compiled for ES2017 (the SDK's default), the same code has about a hundred calls of each helper.
    expect(code).not.toMatch(/_object_spread\(/);
    expect(code).not.toMatch(/_define_property\(/);
    expect(code).toContain('?.');
    // The built-ins are bound once in the bundle's script scope, ahead of every module.
    expect(code.startsWith(intrinsicBindings())).toBe(true);
  }, 120_000);

  it('binds no global the Temporal SDK replaces in the workflow context (Date, timers, WeakRef, ...)', () => {
    // The SDK's deterministic replacements are assignments `global.NAME = ...` in this module; a binding of
    // one of them would keep the original (a wall clock, a real timer) for every module of the bundle.
    const overrides = readFileSync(require.resolve('@temporalio/workflow/lib/global-overrides.js'), 'utf8');
    const replaced = [...overrides.matchAll(/\bglobal(?:This)?\.(\w+)\s*=[^=]/g)].map((m) => m[1]);
    expect(replaced).toEqual(expect.arrayContaining(['Date', 'setTimeout', 'clearTimeout', 'WeakRef']));
    expect(WORKFLOW_INTRINSICS.filter((name) => replaced.includes(name))).toEqual([]);
    expect(intrinsicBindings(['Array', 'Math'])).toBe('const Array = globalThis.Array, Math = globalThis.Math;');
  });

  it('sets the swc target and keeps the other rules and options', () => {
    const other = { test: /\.js$/, use: ['source-map-loader'] };
    const swc = {
      test: /\.ts$/,
      use: {
        loader: '/x/swc-loader/index.js',
        options: { sourceMap: true, jsc: { target: 'es2017', parser: { syntax: 'typescript' } } },
      },
    };
    const out = withModernSyntax({ mode: 'development', module: { rules: [other, swc] } });
    expect(out.mode).toBe('development');
    expect(out.module?.rules?.[0]).toBe(other);
    expect(out.module?.rules?.[1]).toEqual({
      test: /\.ts$/,
      use: {
        loader: '/x/swc-loader/index.js',
        options: { sourceMap: true, jsc: { target: WORKFLOW_SYNTAX_TARGET, parser: { syntax: 'typescript' } } },
      },
    });
  });

  it('refuses a configuration without the swc rule, so an SDK change cannot drop the target unnoticed', () => {
    expect(() => withModernSyntax({ module: { rules: [{ test: /\.js$/, use: ['source-map-loader'] }] } })).toThrow(
      /no swc-loader rule/,
    );
  });
});
