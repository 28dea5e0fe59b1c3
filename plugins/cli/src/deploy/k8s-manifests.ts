import type { FoundService, ServiceEnvVariable } from '@switchboard/core';
import { fillTemplate, generatedNotice } from './template-file.js';
import type { WorkspaceView } from './workspace-view.js';
import { commentLines, scalar, type YamlMap, yamlLines } from './yaml-text.js';

const SECRET = 'switchboard-secrets';
const CONFIG = 'switchboard-config';
const UID = 1000;

/** Every Kubernetes name of a service, e.g. `switchboard-http`. */
export function resourceName(s: FoundService): string {
  return `switchboard-${s.name}`;
}

/** A secret the Deployment cannot start without (required, or a `requires` entry of its own). */
function mandatorySecret(s: FoundService, name: string, v: ServiceEnvVariable): boolean {
  return Boolean(v.required) || (s.requires ?? []).includes(name);
}

function labels(s: FoundService): YamlMap {
  return { 'app.kubernetes.io/name': 'switchboard', 'app.kubernetes.io/component': s.name };
}

function probes(s: FoundService): YamlMap {
  if (!s.listen || !s.health?.path) return {};
  const port = s.listen.portName ?? 'http';
  const live = s.health.live ?? s.health.path;
  const startupSeconds = s.kubernetes?.startupSeconds ?? 60;
  return {
    startupProbe: {
      httpGet: { path: live, port },
      periodSeconds: 2,
      failureThreshold: Math.ceil(startupSeconds / 2),
    },
    livenessProbe: {
      httpGet: { path: live, port },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    readinessProbe: { httpGet: { path: s.health.path, port }, periodSeconds: 5, timeoutSeconds: 3 },
  };
}

function deployment(s: FoundService): YamlMap {
  const k = s.kubernetes!;
  const env: YamlMap[] = [
    { name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: SECRET, key: 'REDIS_URL' } } },
  ];
  for (const [name, v] of Object.entries(s.env ?? {}))
    if (v.fieldRef) env.push({ name, valueFrom: { fieldRef: { fieldPath: v.fieldRef } } });
  for (const [name, v] of Object.entries(s.env ?? {})) {
    if (!v.secret) continue;
    const optional = !mandatorySecret(s, name, v);
    env.push({
      name,
      valueFrom: { secretKeyRef: { name: SECRET, key: name, ...(optional ? { optional: true } : {}) } },
    });
  }
  const hasProbes = Boolean(s.listen && s.health?.path);
  const port = s.listen?.portName ?? 'http';
  const strategy = k.strategy ?? 'RollingUpdate';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: resourceName(s), labels: labels(s) },
    spec: {
      ...(k.replicas === 'autoscaled'
        ? { '#replicas': 'No replicas: an autoscaler owns the count (see above); apply never resets it.' }
        : { replicas: k.replicas }),
      selector: { matchLabels: labels(s) },
      strategy:
        strategy === 'Recreate'
          ? { type: 'Recreate' }
          : {
              type: 'RollingUpdate',
              rollingUpdate: {
                '#': 'A new pod is ready before an old one is asked to stop: capacity never drops.',
                maxUnavailable: 0,
                maxSurge: 1,
              },
            },
      template: {
        metadata: {
          labels: labels(s),
          ...(s.listen?.metrics || !hasProbes
            ? {
                annotations: {
                  ...(s.listen?.metrics
                    ? {
                        'prometheus.io/scrape': 'true',
                        'prometheus.io/port': String(s.listen.port),
                        'prometheus.io/path': '/metrics',
                      }
                    : {}),
                  ...(!hasProbes
                    ? { 'switchboard.dev/no-probes': s.health?.none ?? 'It declares no health endpoint.' }
                    : {}),
                },
              }
            : {}),
        },
        spec: {
          automountServiceAccountToken: false,
          '#grace': 'SIGTERM lets work in flight finish; SIGKILL comes only after this many seconds.',
          terminationGracePeriodSeconds: k.terminationGracePeriodSeconds ?? 30,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: UID,
            runAsGroup: UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: s.name,
              image: 'switchboard',
              args: [s.name],
              envFrom: [{ configMapRef: { name: CONFIG } }],
              env,
              ...(s.listen ? { ports: [{ name: port, containerPort: s.listen.port }] } : {}),
              ...(k.preStopSleepSeconds
                ? {
                    '#preStop':
                      'SIGTERM only once the Service has stopped sending new requests here (endpoint removal\n' +
                      'and SIGTERM race otherwise, and a few requests would be refused during a rollout).',
                    lifecycle: { preStop: { exec: { command: ['sleep', String(k.preStopSleepSeconds)] } } },
                  }
                : {}),
              ...probes(s),
              resources: { requests: { ...k.requests }, limits: { ...k.limits } },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: UID,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              '#tmp': 'The root file system is read-only: /tmp is the one place a process may write.',
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

function service(s: FoundService): YamlMap | undefined {
  if (!s.listen) return undefined;
  const port = s.listen.portName ?? 'http';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: resourceName(s), labels: labels(s) },
    spec: {
      ...(s.kubernetes?.serviceType === 'headless'
        ? { '#': 'Headless: lists every pod (per-pod metrics) instead of balancing.', clusterIP: 'None' }
        : {}),
      selector: labels(s),
      ports: [{ name: port, port: s.listen.port, targetPort: port }],
    },
  };
}

function disruptionBudget(s: FoundService): YamlMap | undefined {
  if (!s.kubernetes?.minAvailable) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: resourceName(s), labels: labels(s) },
    spec: {
      '#': `Voluntary evictions (node drains) keep at least ${s.kubernetes.minAvailable} pod(s) running.`,
      minAvailable: s.kubernetes.minAvailable,
      selector: { matchLabels: labels(s) },
    },
  };
}

/** deploy/k8s/<name>.yaml: the Deployment, and the Service and budget when declared. */
export function serviceManifest(s: FoundService): string {
  const k = s.kubernetes!;
  const head = [
    ...generatedNotice('#', `${s.packageDir}/package.json`).split('\n'),
    ...commentLines(`${s.description ?? s.name}${k.notes ? `\n${k.notes}` : ''}`),
    ...(k.kustomize === false
      ? [
          `# Not in kustomization.yaml: apply it once ${(s.requires ?? []).join(', ').replaceAll('|', ' or ')} are in the Secret:`,
          `#   kubectl -n switchboard apply -f deploy/k8s/${s.name}.yaml`,
        ]
      : []),
  ];
  const docs = [deployment(s), service(s), disruptionBudget(s)].filter((d): d is YamlMap => d !== undefined);
  return `${[
    ...head,
    ...docs
      .map((d) => yamlLines(d).join('\n'))
      .join('\n---\n')
      .split('\n'),
  ].join('\n')}\n`;
}

/** The services that have Kubernetes settings, and so a manifest. */
export function kubernetesServices(ws: WorkspaceView): FoundService[] {
  return ws.services.filter((s) => s.kubernetes);
}

/** deploy/k8s/configmap.yaml: the template's shared settings, then each service's. */
export function configMap(ws: WorkspaceView): string {
  const lines: string[] = [];
  for (const s of kubernetesServices(ws)) {
    const entries = Object.entries(s.env ?? {}).filter(
      ([, v]) => (v.kubernetes ?? v.container) !== undefined,
    );
    if (!entries.length) continue;
    lines.push(`  # ${s.name}`);
    for (const [name, v] of entries) lines.push(`  ${name}: ${scalar((v.kubernetes ?? v.container)!)}`);
  }
  return fillTemplate(ws.root, 'configmap.yaml', {
    notice: generatedNotice('#', 'configmap.yaml'),
    services: lines.join('\n'),
  });
}

/** deploy/k8s/secret.example.yaml: placeholders for every mandatory secret, the optional ones named. */
export function secretExample(ws: WorkspaceView): string {
  const lines: string[] = [];
  for (const s of kubernetesServices(ws)) {
    const secrets = Object.entries(s.env ?? {}).filter(([, v]) => v.secret);
    if (!secrets.length) continue;
    lines.push(
      `  # ${s.name}${s.kubernetes?.kustomize === false ? ` (deploy/k8s/${s.name}.yaml only)` : ''}`,
    );
    const optional: string[] = [];
    for (const [name, v] of secrets) {
      if (!mandatorySecret(s, name, v)) {
        optional.push(name);
        continue;
      }
      const placeholder = v.example?.includes('...') ? v.example.replace('...', 'REPLACE_ME') : 'REPLACE_ME';
      lines.push(`  ${name}: ${scalar(placeholder)}`);
    }
    if (optional.length) lines.push(`  # optional: ${optional.join(', ')}`);
  }
  return fillTemplate(ws.root, 'secret.example.yaml', {
    notice: generatedNotice('#', 'secret.example.yaml'),
    services: lines.join('\n'),
  });
}

/** deploy/k8s/kustomization.yaml: the template's shared resources and each service meant for it. */
export function kustomization(ws: WorkspaceView): string {
  const services = kubernetesServices(ws);
  const manual = services.filter((s) => s.kubernetes?.kustomize === false).map((s) => `${s.name}.yaml`);
  return fillTemplate(ws.root, 'kustomization.yaml', {
    notice: generatedNotice('#', 'kustomization.yaml'),
    manual: manual.join(', ') || 'no service manifest',
    services: services
      .filter((s) => s.kubernetes?.kustomize !== false)
      .map((s) => `  - ${s.name}.yaml`)
      .join('\n'),
  });
}
