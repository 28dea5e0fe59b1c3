import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportedMetricNames, isExported, metricNamesIn } from './exported-metrics.js';
import { entrypointServices } from './image-services.js';
import { parseQuantity } from './k8s-quantity.js';
import { filesUnder, readRepoFile, repoPath, sourceFiles } from './repo-files.js';
import { serviceDeclarations } from './service-declarations.js';
import { serviceEnvironmentVariables } from './service-environment.js';
import { readYamlDocument, readYamlDocuments } from './yaml-documents.js';

// Loose shapes: the manifests are data, and each check says what it expected.
// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are checked field by field below.
type K8sObject = any;

const K8S_DIR = 'deploy/k8s';
// kustomization.yaml is kustomize's own file, not an object sent to the cluster.
const files = filesUnder(K8S_DIR, (name) => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml');
const objects: { file: string; obj: K8sObject }[] = files.flatMap((file) =>
  readYamlDocuments(file).map((obj) => ({ file, obj: obj as K8sObject })),
);
const ofKind = (...kinds: string[]) => objects.filter(({ obj }) => kinds.includes(obj.kind));
const workloads = ofKind('Deployment', 'StatefulSet');
const containers = workloads.flatMap(({ file, obj }) =>
  (obj.spec.template.spec.containers as K8sObject[]).map((c) => ({ file, workload: obj, c })),
);
/** The containers that run this repository's image (not Redis). */
const appContainers = containers.filter(({ c }) => c.image === 'switchboard');
const configMap = ofKind('ConfigMap').find(({ obj }) => obj.metadata.name === 'switchboard-config')?.obj;
const secretTemplate = readYamlDocument(join(K8S_DIR, 'secret.example.yaml')) as K8sObject;
const secretTemplateText = readRepoFile(K8S_DIR, 'secret.example.yaml');

const labelsMatch = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('Kubernetes manifests', () => {
  it('parse, and every document is a named Kubernetes object', () => {
    expect(files.length).toBeGreaterThan(5);
    for (const { file, obj } of objects) {
      expect(typeof obj.apiVersion, `${file}: apiVersion`).toBe('string');
      expect(typeof obj.kind, `${file}: kind`).toBe('string');
      expect(typeof obj.metadata?.name, `${file}: metadata.name of a ${obj.kind}`).toBe('string');
    }
  });

  it('the kustomization lists files that exist, and leaves the Secret template out', () => {
    const kustomization = readYamlDocument(join(K8S_DIR, 'kustomization.yaml')) as K8sObject;
    for (const resource of kustomization.resources as string[]) {
      expect(existsSync(repoPath(K8S_DIR, resource)), `${resource} listed in kustomization.yaml`).toBe(true);
    }
    expect(kustomization.resources).not.toContain('secret.example.yaml');
    expect(kustomization.images.map((i: K8sObject) => i.name)).toContain('switchboard');
  });

  it('every Service selects the pods of a Deployment or StatefulSet, on ports those pods declare', () => {
    const services = ofKind('Service');
    expect(services.length).toBeGreaterThan(0);
    for (const { file, obj: service } of services) {
      const selector = service.spec.selector as Record<string, string>;
      expect(selector, `${file}: Service ${service.metadata.name} has a selector`).toBeTruthy();
      const targets = workloads.filter(({ obj }) => labelsMatch(selector, obj.spec.template.metadata.labels));
      expect(targets.length, `${file}: Service ${service.metadata.name} selects no pod template`).toBe(1);
      const ports = (targets[0]!.obj.spec.template.spec.containers as K8sObject[]).flatMap(
        (c) => c.ports ?? [],
      );
      for (const port of service.spec.ports as K8sObject[]) {
        const target = port.targetPort ?? port.port;
        expect(
          ports.some((p: K8sObject) => p.name === target || p.containerPort === target),
          `${file}: Service ${service.metadata.name} targets port ${target}, which its pods do not declare`,
        ).toBe(true);
      }
    }
  });

  it("every workload's selector matches its own pod template", () => {
    for (const { file, obj } of workloads) {
      expect(
        labelsMatch(obj.spec.selector.matchLabels, obj.spec.template.metadata.labels),
        `${file}: ${obj.metadata.name}`,
      ).toBe(true);
    }
  });

  it('every container has liveness and readiness probes, except the Discord plugin, which says why', () => {
    const exempt: string[] = [];
    for (const { file, workload, c } of containers) {
      const reason = workload.spec.template.metadata.annotations?.['switchboard.dev/no-probes'];
      if (reason) {
        exempt.push(workload.metadata.name);
        expect(
          c.livenessProbe ?? c.readinessProbe,
          `${file}: ${c.name} is exempt yet has a probe`,
        ).toBeFalsy();
        continue;
      }
      expect(c.livenessProbe, `${file}: ${c.name} livenessProbe`).toBeTruthy();
      expect(c.readinessProbe, `${file}: ${c.name} readinessProbe`).toBeTruthy();
    }
    // The Discord plugin serves no HTTP endpoint; no other service may skip its probes.
    expect(exempt).toEqual(['switchboard-discord']);
  });

  it("HTTP probes ask paths the service's own code serves, on ports its container declares", () => {
    const declared = serviceDeclarations();
    for (const { file, workload, c } of appContainers) {
      const service = declared.get(c.args[0]);
      expect(service, `${file}: ${c.name} runs "${c.args[0]}"`).toBeDefined();
      const code = sourceFiles(service!.packageDir)
        .map((f) => readRepoFile(f))
        .join('\n');
      for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const get = c[kind]?.httpGet;
        if (!get) continue;
        expect(code, `${file}: ${workload.metadata.name} ${kind} path ${get.path}`).toContain(
          `'${get.path}'`,
        );
        expect(
          (c.ports ?? []).some((p: K8sObject) => p.name === get.port || p.containerPort === get.port),
          `${file}: ${kind} port ${get.port} of ${c.name}`,
        ).toBe(true);
      }
    }
  });

  it('every container has CPU and memory requests and limits, requests not above limits', () => {
    for (const { file, c } of containers) {
      for (const resource of ['cpu', 'memory']) {
        const request = c.resources?.requests?.[resource];
        const limit = c.resources?.limits?.[resource];
        expect(request, `${file}: ${c.name} requests.${resource}`).toBeDefined();
        expect(limit, `${file}: ${c.name} limits.${resource}`).toBeDefined();
        expect(parseQuantity(request), `${file}: ${c.name} ${resource}`).toBeLessThanOrEqual(
          parseQuantity(limit),
        );
      }
    }
  });

  it('every container runs as a non-root user, without privilege escalation, on a read-only root', () => {
    for (const { file, workload, c } of containers) {
      const pod = workload.spec.template.spec.securityContext ?? {};
      const sc = c.securityContext ?? {};
      expect(sc.runAsNonRoot ?? pod.runAsNonRoot, `${file}: ${c.name} runAsNonRoot`).toBe(true);
      const uid = sc.runAsUser ?? pod.runAsUser;
      expect(typeof uid === 'number' && uid > 0, `${file}: ${c.name} runAsUser ${uid}`).toBe(true);
      expect(sc.allowPrivilegeEscalation, `${file}: ${c.name} allowPrivilegeEscalation`).toBe(false);
      expect(sc.readOnlyRootFilesystem, `${file}: ${c.name} readOnlyRootFilesystem`).toBe(true);
      expect(sc.capabilities?.drop, `${file}: ${c.name} drops capabilities`).toContain('ALL');
    }
  });

  it('containers of our image get a writable /tmp (the root file system is read-only)', () => {
    for (const { file, c } of appContainers) {
      expect(
        (c.volumeMounts ?? []).some((m: K8sObject) => m.mountPath === '/tmp'),
        `${file}: ${c.name} mounts /tmp`,
      ).toBe(true);
    }
  });

  it('each app container runs a service of the image, the one its component label names', () => {
    const known = entrypointServices();
    expect(appContainers.length).toBeGreaterThanOrEqual(5);
    for (const { file, workload, c } of appContainers) {
      const service = c.args?.[0];
      expect(known.has(service), `${file}: ${c.name} runs "${service}"`).toBe(true);
      expect(workload.spec.template.metadata.labels['app.kubernetes.io/component']).toBe(service);
    }
  });

  it('configuration keys are variables the services read, and secret references exist in the template', () => {
    const variables = serviceEnvironmentVariables();
    expect(configMap).toBeDefined();
    for (const key of Object.keys(configMap.data)) {
      expect(variables.has(key), `ConfigMap key ${key} is read by no service`).toBe(true);
    }
    const secretKeys = Object.keys(secretTemplate.stringData);
    for (const { file, c } of containers) {
      for (const env of c.env ?? []) {
        const ref = env.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(ref.name, `${file}: ${c.name} ${env.name}`).toBe(secretTemplate.metadata.name);
        // A mandatory key has a placeholder; an optional one is named in the template's comments.
        if (ref.optional === true)
          expect(secretTemplateText, `${file}: ${env.name}`).toMatch(
            new RegExp(`# optional: .*\\b${ref.key}\\b`),
          );
        else expect(secretKeys, `${file}: ${c.name} ${env.name}`).toContain(ref.key);
      }
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef) expect(from.configMapRef.name).toBe(configMap.metadata.name);
      }
    }
  });

  it('the Secret template holds placeholders only', () => {
    for (const [key, value] of Object.entries(secretTemplate.stringData as Record<string, string>)) {
      expect(
        /REPLACE_ME|^0+$/.test(value),
        `secret.example.yaml ${key} must be a placeholder, not a real value`,
      ).toBe(true);
    }
  });

  it('workers drain within their grace period and roll without losing capacity', () => {
    const worker = workloads.find(({ obj }) => obj.metadata.name === 'switchboard-worker')!.obj;
    const shutdownSeconds = Number(configMap.data.WORKER_SHUTDOWN_MS) / 1000;
    // The drain, plus time for the process to load and exit, must fit before SIGKILL.
    expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(shutdownSeconds + 10);
    expect(worker.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(configMap.data.WORKER_METRICS_HOST).toBe('0.0.0.0');
  });

  it('Redis keeps an append-only file on a volume and never evicts keys', () => {
    const redis = ofKind('StatefulSet').find(({ obj }) => obj.metadata.name === 'switchboard-redis')!.obj;
    const c = redis.spec.template.spec.containers[0];
    const args = (c.args as string[]).join(' ');
    expect(args).toMatch(/--appendonly yes/);
    expect(args).toMatch(/--maxmemory-policy noeviction/);
    const mount = c.volumeMounts.find((m: K8sObject) => m.mountPath === '/data');
    expect(redis.spec.volumeClaimTemplates.map((v: K8sObject) => v.metadata.name)).toContain(mount.name);
  });

  it('the worker autoscaler targets the worker Deployment on a queue-depth metric the code exports', async () => {
    const exported = await exportedMetricNames();
    const [scaled] = ofKind('ScaledObject');
    expect(scaled, 'a KEDA ScaledObject').toBeDefined();
    const target = scaled!.obj.spec.scaleTargetRef.name;
    expect(ofKind('Deployment').map(({ obj }) => obj.metadata.name)).toContain(target);
    const queries = (scaled!.obj.spec.triggers as K8sObject[]).map((t) => t.metadata.query as string);
    const names = queries.flatMap(metricNamesIn);
    expect(names).toContain('switchboard_queue_depth');
    for (const name of names) expect(isExported(name, exported), `${name} is exported`).toBe(true);
  });

  it('the PodMonitor scrapes ports the selected pods declare', () => {
    for (const { file, obj } of ofKind('PodMonitor')) {
      const components: string[] = obj.spec.selector.matchExpressions[0].values;
      for (const component of components) {
        const pod = workloads.find(
          ({ obj: w }) => w.spec.template.metadata.labels['app.kubernetes.io/component'] === component,
        );
        expect(pod, `${file}: no pod template for component ${component}`).toBeDefined();
        const names = pod!.obj.spec.template.spec.containers.flatMap((c: K8sObject) =>
          (c.ports ?? []).map((p: K8sObject) => p.name),
        );
        expect(
          obj.spec.podMetricsEndpoints.some((e: K8sObject) => names.includes(e.port)),
          `${file}: ${component}`,
        ).toBe(true);
      }
    }
  });

  it('each declared service with Kubernetes settings has a generated manifest that follows its block', () => {
    const declared = [...serviceDeclarations().values()].filter((s) => s.kubernetes);
    expect(declared.length).toBeGreaterThanOrEqual(5);
    const kustomization = readYamlDocument(join(K8S_DIR, 'kustomization.yaml')) as K8sObject;
    for (const service of declared) {
      const file = join(K8S_DIR, `${service.name}.yaml`);
      expect(readRepoFile(file), file).toContain(
        'generated by pnpm deploy:gen from the switchboard.service blocks',
      );
      const deployment = objects.find(
        ({ obj }) => obj.kind === 'Deployment' && obj.metadata.name === `switchboard-${service.name}`,
      )?.obj;
      expect(deployment, file).toBeDefined();
      const k = service.kubernetes!;
      if (k.replicas === 'autoscaled') expect(deployment.spec.replicas, file).toBeUndefined();
      else expect(deployment.spec.replicas, file).toBe(k.replicas);
      const c = deployment.spec.template.spec.containers[0];
      expect(c.resources).toEqual({ requests: k.requests, limits: k.limits });
      if (service.health?.path) {
        expect(c.readinessProbe.httpGet.path).toBe(service.health.path);
        expect(c.ports[0].containerPort).toBe(service.listen!.port);
      }
      expect(kustomization.resources.includes(`${service.name}.yaml`), file).toBe(k.kustomize !== false);
    }
  });

  it('KEDA alone sets the worker count: the Deployment it scales fixes no replicas', () => {
    for (const { obj: scaled } of ofKind('ScaledObject')) {
      const target = ofKind('Deployment').find(
        ({ obj }) => obj.metadata.name === scaled.spec.scaleTargetRef.name,
      );
      expect(target, scaled.metadata.name).toBeDefined();
      // A fixed count would be re-applied over the autoscaler's choice on every `kubectl apply`.
      expect(target!.obj.spec.replicas, `${target!.file}: replicas`).toBeUndefined();
      expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    }
  });
});
