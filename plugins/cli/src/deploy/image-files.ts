import { entryExecArgv } from '@switchboard/core';
import { fillTemplate, generatedNotice } from './template-file.js';
import type { WorkspaceView } from './workspace-view.js';

/** The Dockerfile: every workspace manifest copied before the install, every package built. */
export function dockerfile(ws: WorkspaceView): string {
  const inImage = ws.packages.filter((p) => !ws.notInImage.includes(p));
  const services = ws.services;
  return fillTemplate(ws.root, 'Dockerfile', {
    notice: generatedNotice('#', 'Dockerfile'),
    services: services.map((s) => s.name).join(' | '),
    manifests: ws.packages.map((p) => `COPY ${p.dir}/package.json ${p.dir}/`).join('\n'),
    filters: ws.notInImage.map((p) => `--filter='!${p.manifest.name}'`).join(' '),
    build: inImage.map((p) => p.dir).join(' '),
    dist: inImage.map((p) => `COPY --from=build /app/${p.dir}/dist ${p.dir}/dist`).join('\n'),
    expose: [...new Set(services.flatMap((s) => (s.listen ? [s.listen.port] : [])))].join(' '),
    default: services[0]?.name ?? 'cli',
  });
}

/** The command that runs the `switchboard` CLI inside the image, as its bin is declared. */
export function cliCommand(ws: WorkspaceView): string {
  return ['node', ...entryExecArgv(ws.cli.bin), ws.cli.bin].join(' ');
}

/** deploy/docker-entrypoint.sh: `switchboard run <service>`, the CLI, or the health check. */
export function entrypoint(ws: WorkspaceView): string {
  return fillTemplate(ws.root, 'docker-entrypoint.sh', {
    notice: generatedNotice('#', 'docker-entrypoint.sh'),
    services: ws.services.map((s) => s.name).join(', '),
    default: ws.services[0]?.name ?? 'cli',
    cli: cliCommand(ws),
  });
}

/** deploy/healthcheck.mjs: each service's probe, from its `listen` and `health` blocks. */
export function healthcheck(ws: WorkspaceView): string {
  const table: Record<string, object> = {};
  for (const s of ws.services) {
    const none =
      s.health?.none ??
      (s.listen && s.health?.path ? undefined : `the ${s.name} service declares no health endpoint`);
    table[s.name] = {
      entry: s.entryFromRoot,
      ...(none
        ? { none }
        : {
            port: s.listen!.port,
            portEnv: s.listen!.portEnv,
            ...(s.listen!.hostEnv ? { hostEnv: s.listen!.hostEnv } : {}),
            path: s.health!.path,
            ...(s.health!.skipWhen ? { skipWhen: s.health!.skipWhen } : {}),
          }),
    };
  }
  return fillTemplate(ws.root, 'healthcheck.mjs', {
    notice: generatedNotice('//', 'healthcheck.mjs'),
    services: JSON.stringify(table, null, 2),
    cli: JSON.stringify(ws.cli.bin),
  });
}
