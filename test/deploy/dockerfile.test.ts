/**
 * The Dockerfile, checked without a Docker engine: hadolint (when installed, see
 * scripts/install-kustomize.sh) and the image's required properties read from the instructions.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const root = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

interface Instruction {
  op: string;
  args: string;
}

/** Instructions with line continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions of each stage, by stage name. */
function stages(all: Instruction[]): Map<string, Instruction[]> {
  const byStage = new Map<string, Instruction[]>();
  let current: Instruction[] | undefined;
  for (const i of all) {
    if (i.op === 'FROM') {
      const name = /\bAS\s+(\S+)/i.exec(i.args)?.[1] ?? `stage${byStage.size}`;
      current = [];
      byStage.set(name, current);
    }
    current?.push(i);
  }
  return byStage;
}

function findHadolint(): string | undefined {
  const candidates = [
    ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'hadolint')),
    join(root, '.tools', 'venv', 'bin', 'hadolint'),
  ];
  return candidates.find((c) => existsSync(c));
}

describe('Dockerfile', () => {
  const all = instructions(dockerfile);
  const byStage = stages(all);
  const runtime = byStage.get('runtime') ?? [];
  const build = byStage.get('build') ?? [];
  const argsOf = (list: Instruction[], op: string) => list.filter((i) => i.op === op).map((i) => i.args);

  it('is multi-stage: a build stage with npm ci, tsc and the prebuilt workflow bundle', () => {
    expect([...byStage.keys()]).toEqual(['build', 'runtime']);
    const runs = argsOf(build, 'RUN').join(' ');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm run build\b/);
    expect(runs).toMatch(/npm run build:bundle\b/);
    expect(runs).toMatch(/npm prune --omit=dev/);
  });

  it('runs on node:20-slim as a non-root user, with the bundle configured', () => {
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:20-slim/);
    expect(runtime[0].args).toMatch(/^\$\{NODE_IMAGE\} AS runtime$/);
    const user = argsOf(runtime, 'USER');
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    // USER comes after every COPY/RUN that needs root.
    const userIndex = runtime.findIndex((i) => i.op === 'USER');
    expect(runtime.slice(userIndex).some((i) => i.op === 'RUN' || i.op === 'COPY')).toBe(false);
    expect(argsOf(runtime, 'ENV').join(' ')).toMatch(/TEMPORAL_WORKFLOW_BUNDLE=\/app\/dist\/workflow-bundle\.js/);
    expect(argsOf(runtime, 'COPY').join(' ')).toMatch(/--from=build \/app\/dist/);
  });

  it('exposes gRPC, health and metrics ports and checks /health/live', () => {
    expect(argsOf(runtime, 'EXPOSE').join(' ').split(/\s+/).sort()).toEqual(['3000', '50051', '9090']);
    const healthcheck = argsOf(runtime, 'HEALTHCHECK');
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]).toMatch(/\/health\/live/);
    expect(argsOf(runtime, 'ENTRYPOINT')[0]).toBe('["node", "bin/workflow-runner.js"]');
    expect(argsOf(runtime, 'CMD')[0]).toBe('["serve"]');
  });

  it('has a .dockerignore keeping node_modules, dist and secrets out of the context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git', '.env', '.venv']) expect(ignored).toContain(entry);
  });

  const hadolint = findHadolint();
  const lintIt = hadolint ? it : it.skip;
  if (!hadolint)
    console.warn('hadolint not installed: Dockerfile lint skipped (scripts/install-kustomize.sh installs it)');
  lintIt('passes hadolint', () => {
    expect(() =>
      execFileSync(hadolint!, [join(root, 'Dockerfile')], { encoding: 'utf8', stdio: 'pipe' }),
    ).not.toThrow();
  });
});
