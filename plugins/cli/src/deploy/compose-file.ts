import type { FoundService } from '@switchboard/core';
import { fillTemplate, generatedNotice } from './template-file.js';
import type { WorkspaceView } from './workspace-view.js';
import { alias, commentLines, type YamlMap, yamlLines } from './yaml-text.js';

/** Variables a container needs in every deployment (`required` in a block's `env`). */
export function requiredVariables(ws: WorkspaceView): string[] {
  return ws.services.flatMap((s) =>
    Object.entries(s.env ?? {}).flatMap(([name, v]) => (v.required ? [name] : [])),
  );
}

/** Services that start only once their credentials are set: a compose profile of their own. */
export function profiled(service: FoundService): boolean {
  return (service.requires ?? []).length > 0;
}

function composeService(s: FoundService): string[] {
  const environment: YamlMap = { '<<': alias('redis-env') };
  const env = environment as Record<string, unknown>;
  for (const [name, v] of Object.entries(s.env ?? {})) if (v.container !== undefined) env[name] = v.container;
  const dependsOn = s.compose?.dependsOn ?? [];
  const health: YamlMap =
    s.listen && s.health?.path
      ? {
          ...(s.health.skipWhen
            ? { '#': `${s.health.skipWhen.reason}: the script then reports the running process as healthy.` }
            : {}),
          test: ['CMD', 'node', '/app/deploy/healthcheck.mjs', s.name],
          interval: '15s',
          timeout: '5s',
          retries: 3,
          start_period: s.compose?.startPeriod ?? '30s',
        }
      : { disable: true };
  const body: YamlMap = {
    '<<': alias('app'),
    command: [s.name],
    ...(profiled(s) ? { profiles: [s.name] } : {}),
    environment,
    ...(s.listen?.publish ? { ports: [`${s.listen.port}:${s.listen.port}`] } : {}),
    ...(dependsOn.length
      ? {
          depends_on: {
            redis: { condition: 'service_healthy' },
            ...Object.fromEntries(dependsOn.map((d) => [d, { condition: 'service_started' }])),
          },
        }
      : {}),
    ...(s.compose?.replicas && s.compose.replicas > 1 ? { deploy: { replicas: s.compose.replicas } } : {}),
    ...(s.compose?.stopGracePeriod ? { stop_grace_period: s.compose.stopGracePeriod } : {}),
    healthcheck: health,
  };
  const about = [
    s.description ?? s.name,
    ...(s.compose?.notes ? [s.compose.notes] : []),
    ...(profiled(s)
      ? [
          `Started only with \`--profile ${s.name}\` (it needs ${(s.requires ?? []).join(', ').replaceAll('|', ' or ')}).`,
        ]
      : []),
    ...(body.healthcheck && (health as { disable?: boolean }).disable
      ? [`No health check: ${s.health?.none ?? 'it declares no health endpoint'}.`]
      : []),
  ];
  return [...commentLines(about.join('\n'), '  '), `  ${s.name}:`, ...yamlLines(body, 4)];
}

/** docker-compose.yml: the template's Redis and CLI, and one compose service per declaration. */
export function composeFile(ws: WorkspaceView): string {
  const profiles = ws.services.filter(profiled).map((s) => `--profile ${s.name}`);
  return fillTemplate(ws.root, 'docker-compose.yml', {
    notice: generatedNotice('#', 'docker-compose.yml'),
    required: requiredVariables(ws).join(' and ') || 'what your services need',
    profiles: profiles.join(' ') || '',
    services: ws.services.map((s) => composeService(s).join('\n')).join('\n\n'),
  });
}
