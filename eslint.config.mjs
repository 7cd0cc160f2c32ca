// Lint: TypeScript rules plus the three sandbox-safe zones of STYLE.md, enforced by import bans:
// the jq engine (imports only itself), the DSL model (src/zigflow/dsl) and the workflow code
// (src/temporal/workflows) stay free of Nest and Node so they run inside Temporal's workflow sandbox.
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
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, ...nestAndIo, '@temporalio/workflow'],
              message: 'DSL model code runs in the workflow sandbox: no Node, Nest or I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/temporal/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, ...nestAndIo],
              allowTypeImports: true,
              message:
                'Workflow code is sandboxed: only @temporalio/workflow, sandbox-safe modules and activity types.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'src/cli/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-console': 'off' },
  },
);
