// Lint: TypeScript rules plus the zones of STYLE.md, enforced by import rules. Three run inside Temporal's
// workflow sandbox and may import only what is listed for them: the jq engine (itself), the DSL model
// (src/zigflow/dsl: itself, the jq engine, @cfworker/json-schema, re2js, contract types) and workflow code
// (src/temporal/workflows: itself, @temporalio/workflow, the DSL model, the Temporal contract, activity
// types). The loader's validation stages (src/zigflow/validation, loader.ts, graph.ts) are pure but run
// in Node (ajv generates code): no Nest, no Node built-ins, no I/O.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'util',
  'stream',
  'events',
  'worker_threads',
  'process',
  'dns',
  'tls',
  'zlib',
  'buffer',
  'timers',
  'url',
  'v8',
  'vm',
];
const nestAndIo = [
  '@nestjs/*',
  '@grpc/*',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  'pino*',
  'nestjs-pino',
  'prom-client',
];

/** The import rules of workflow code, given the relative paths (regex sources) its files use. */
function workflowZone({ own, dsl, contract, activityTypes }) {
  return [
    {
      // Tracing in workflow code goes through Temporal's sandbox-safe OpenTelemetry interceptors only.
      regex: `^(?!@temporalio/workflow$|@opentelemetry/api$|@temporalio/interceptors-opentelemetry/lib/workflow$|${own}|${dsl}|${contract}|${activityTypes})`,
      message:
        "Workflow code is sandboxed: it imports only itself, @temporalio/workflow, the DSL model (src/zigflow/dsl), the Temporal contract, activity types and the OpenTelemetry API with Temporal's workflow interceptors.",
    },
    {
      regex: `^${activityTypes}`,
      allowTypeImports: true,
      message: 'Workflow code imports activity types only (`import type`); it schedules activities by name.',
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'src/generated/**',
      'coverage/**',
      '.venv/**',
      '.temporal/**',
      'bin/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/jq/**/*.ts'],
    ignores: ['src/jq/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\.{1,2}/)', message: 'The jq engine imports only itself.' }] },
      ],
    },
  },
  {
    files: ['src/zigflow/dsl/**/*.ts'],
    ignores: ['src/zigflow/dsl/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./\\.\\./jq$|@cfworker/json-schema$|re2js$|\\.\\./\\.\\./temporal/contract$)',
              message:
                'The DSL model runs in the workflow sandbox: it imports only itself, the jq engine (src/jq), @cfworker/json-schema and re2js.',
            },
            {
              regex: '^\\.\\./\\.\\./temporal/contract$',
              allowTypeImports: true,
              message: 'The DSL model imports only types from the Temporal contract.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/zigflow/validation/**/*.ts', 'src/zigflow/loader.ts', 'src/zigflow/graph.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, ...nestAndIo, '@temporalio/*'],
              message: 'The loader is pure: no Node built-ins, Nest, Temporal or I/O.',
            },
          ],
        },
      ],
    },
  },
  // Workflow code, by folder depth (import paths are relative): the workflow types at the root ...
  {
    files: ['src/temporal/workflows/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: workflowZone({
            own: '\\./',
            dsl: '\\.\\./\\.\\./zigflow/dsl/',
            contract: '\\.\\./(contract|progress-batch|definition-registry\\.contract|delivery-ledger\\.contract)$',
            activityTypes: '\\.\\./activities/types$',
          }),
        },
      ],
    },
  },
  // ... and the interpreter and task executors one level down.
  {
    files: ['src/temporal/workflows/*/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: workflowZone({
            own: '\\./|\\.\\./(interpreter|tasks)(/|$)',
            dsl: '\\.\\./\\.\\./\\.\\./zigflow/dsl/',
            contract: '\\.\\./\\.\\./(contract|progress-batch|definition-registry\\.contract)$',
            activityTypes: '\\.\\./\\.\\./activities/types$',
          }),
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'src/cli/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-console': 'off' },
  },
);
