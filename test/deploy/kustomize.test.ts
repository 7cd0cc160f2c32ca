/**
 * The Kubernetes manifests: every file parses, the base carries the essentials (probes, non-root,
 * read-only root filesystem, resources, Prometheus scraping, config from the ConfigMap, the API key
 * from the Secret), and both overlays render (with kustomize or `kubectl kustomize`) into what each
 * environment needs. Rendering is skipped, with a message, only when no renderer is installed
 * (scripts/install-kustomize.sh provides one).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

const root = join(__dirname, '..', '..');
const kustomizeDir = join(root, 'kustomize');

type Doc = Record<string, any>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

function parseDocs(text: string, where: string): Doc[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as Doc;
    })
    .filter((d) => d !== null);
}

function findRenderer(): string[] | undefined {
  const onPath = (bin: string) =>
    (process.env.PATH ?? '')
      .split(delimiter)
      .map((dir) => join(dir, bin))
      .find((p) => existsSync(p));
  if (process.env.KUSTOMIZE_BIN && existsSync(process.env.KUSTOMIZE_BIN)) return [process.env.KUSTOMIZE_BIN, 'build'];
  const local = join(root, '.tools/bin/kustomize');
  const kustomize = onPath('kustomize') ?? (existsSync(local) ? local : undefined);
  if (kustomize) return [kustomize, 'build'];
  const kubectl = onPath('kubectl');
  return kubectl ? [kubectl, 'kustomize'] : undefined;
}

function render(overlay: string, renderer: string[]): Doc[] {
  const [bin, ...args] = renderer;
  const out = execFileSync(bin, [...args, join(kustomizeDir, 'overlays', overlay)], { encoding: 'utf8' });
  return parseDocs(out, `rendered ${overlay}`);
}

const byKind = (docs: Doc[], kind: string) => docs.filter((d) => d.kind === kind);
const one = (docs: Doc[], kind: string) => {
  const found = byKind(docs, kind);
  expect(found).toHaveLength(1);
  return found[0];
};
const container = (deployment: Doc) => deployment.spec.template.spec.containers[0];

function expectWorkloadEssentials(deployment: Doc): void {
  const pod = deployment.spec.template.spec;
  const c = container(deployment);
  expect(c.livenessProbe.httpGet.path).toBe('/health/live');
  expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
  expect(c.startupProbe.httpGet.path).toBe('/health/live');
  expect(pod.securityContext.runAsNonRoot).toBe(true);
  expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
  expect(c.securityContext).toMatchObject({
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
  });
  expect(c.resources.requests).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
  expect(c.resources.limits.memory).toBeDefined();
  expect(deployment.spec.template.metadata.annotations).toMatchObject({
    'prometheus.io/scrape': 'true',
    'prometheus.io/port': '9090',
    'prometheus.io/path': '/metrics',
  });
  const ports = Object.fromEntries(c.ports.map((p: Doc) => [p.name, p.containerPort]));
  expect(ports).toEqual({ grpc: 50051, 'http-health': 3000, metrics: 9090 });
  const apiKey = c.env.find((e: Doc) => e.name === 'STIGMER_SERVICE_API_KEY');
  expect(apiKey.valueFrom.secretKeyRef.name).toBe('workflow-runner-secrets');
  expect(c.envFrom[0].configMapRef.name).toMatch(/^workflow-runner-config/);
  // Longer than the worker's 30 s shutdown grace, so running activities can finish on SIGTERM.
  expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(30);
}

describe('kustomize manifests', () => {
  const files = yamlFiles(kustomizeDir);

  it('has a base, a local and a prod overlay', () => {
    for (const dir of ['base', 'overlays/local', 'overlays/prod']) {
      expect(existsSync(join(kustomizeDir, dir, 'kustomization.yaml'))).toBe(true);
    }
  });

  it.each(files.map((f) => [relative(kustomizeDir, f), f]))(
    '%s parses as YAML with apiVersion and kind',
    (_name, file) => {
      const docs = parseDocs(readFileSync(file, 'utf8'), file);
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) {
        expect(typeof doc.apiVersion).toBe('string');
        expect(typeof doc.kind).toBe('string');
      }
    },
  );

  it('base: every listed resource exists; the Deployment carries the essentials', () => {
    const kustomization = parseDocs(readFileSync(join(kustomizeDir, 'base/kustomization.yaml'), 'utf8'), 'base')[0];
    const docs = (kustomization.resources as string[]).flatMap((r) =>
      parseDocs(readFileSync(join(kustomizeDir, 'base', r), 'utf8'), r),
    );
    expect(docs.map((d) => d.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    const deployment = one(docs, 'Deployment');
    expectWorkloadEssentials(deployment);
    const config = Object.fromEntries(
      (kustomization.configMapGenerator[0].literals as string[]).map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    expect(config).toMatchObject({
      HEALTH_PORT: '3000',
      METRICS_PORT: '9090',
      TEMPORAL_TASK_QUEUE: 'workflow-runner',
      STIGMER_SERVICE_USE_TLS: 'true',
    });
    // The API key never sits in the ConfigMap.
    expect(Object.keys(config)).not.toContain('STIGMER_SERVICE_API_KEY');
  });

  const renderer = findRenderer();
  const renderIt = renderer ? it : it.skip;
  if (!renderer)
    console.warn('kustomize rendering skipped: no kustomize or kubectl found (run scripts/install-kustomize.sh)');

  renderIt('overlays/local renders: debug logs, no TLS, the local API key', () => {
    const docs = render('local', renderer!);
    const deployment = one(docs, 'Deployment');
    expectWorkloadEssentials(deployment);
    const config = one(docs, 'ConfigMap');
    expect(config.metadata.namespace).toBe('stigmer-local');
    expect(config.data).toMatchObject({ LOG_LEVEL: 'debug', STIGMER_SERVICE_USE_TLS: 'false' });
    expect(config.data.STIGMER_SERVICE_ENDPOINT).toMatch(/:\d+$/);
    expect(container(deployment).envFrom[0].configMapRef.name).toBe(config.metadata.name);
    const key = container(deployment).env.find((e: Doc) => e.name === 'STIGMER_SERVICE_API_KEY');
    expect(key.valueFrom.secretKeyRef).toEqual({ name: 'workflow-runner-secrets', key: 'stigmer-api-key-local' });
    expect(byKind(docs, 'ServiceMonitor')).toHaveLength(0);
  });

  renderIt('overlays/prod renders: 3 replicas, TLS to the Stigmer API, PDB, ServiceMonitor', () => {
    const docs = render('prod', renderer!);
    const deployment = one(docs, 'Deployment');
    expectWorkloadEssentials(deployment);
    expect(deployment.spec.replicas).toBe(3);
    const config = one(docs, 'ConfigMap');
    expect(config.data).toMatchObject({
      STIGMER_SERVICE_ENDPOINT: 'stigmer-prod-api.planton.live:443',
      STIGMER_SERVICE_USE_TLS: 'true',
      LOG_LEVEL: 'info',
    });
    const key = container(deployment).env.find((e: Doc) => e.name === 'STIGMER_SERVICE_API_KEY');
    expect(key.valueFrom.secretKeyRef).toEqual({ name: 'workflow-runner-secrets', key: 'stigmer-api-key' });
    // Payload encryption is on: the key directory is the mounted Secret, readable by the runner's group.
    const mount = container(deployment).volumeMounts.find(
      (m: Doc) => m.mountPath === config.data.PAYLOAD_ENCRYPTION_KEYS_DIR,
    );
    expect(mount).toMatchObject({ readOnly: true });
    const volume = deployment.spec.template.spec.volumes.find((v: Doc) => v.name === mount.name);
    expect(volume.secret.secretName).toBe('workflow-runner-payload-keys');
    expect(volume.secret.defaultMode & 0o040).toBe(0o040);
    expect(deployment.spec.template.spec.securityContext.fsGroup).toBeGreaterThan(0);
    expect(one(docs, 'PodDisruptionBudget').spec).toMatchObject({ minAvailable: 2 });
    expect(one(docs, 'PodDisruptionBudget').spec.maxUnavailable).toBeUndefined();
    const monitor = one(docs, 'ServiceMonitor');
    const service = one(docs, 'Service');
    for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) expect(service.metadata.labels[k]).toBe(v);
    expect(monitor.spec.endpoints[0].port).toBe('metrics');
    for (const doc of docs) expect(doc.metadata.namespace).toBe('stigmer-prod');
  });
});
