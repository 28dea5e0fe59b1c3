import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { ENTRYPOINT, entrypointServices, HEALTHCHECK, healthcheckServices } from './image-services.js';
import { REPO_ROOT, readRepoFile } from './repo-files.js';
import { serviceDeclarations, workspacePackages } from './service-declarations.js';

const dockerfile = readRepoFile('Dockerfile');
const dockerignore = readRepoFile('.dockerignore')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
/** The instructions of the last stage, the one that runs. */
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

/**
 * Runs a command from the repository root with only `env` set (plus PATH and HOME), as a container
 * would. Asynchronous: the endpoints below live in this process and must answer meanwhile.
 */
function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A local HTTP server answering every request with `status`, standing in for a service's port. */
async function endpoint(status: number): Promise<number> {
  const port = await freePort();
  const server = createServer((_req, res) => res.writeHead(status).end(status === 200 ? 'ok' : 'down'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return port;
}

describe('Dockerfile', () => {
  it('copies the manifest of every workspace package before installing from the lockfile', () => {
    for (const pkg of workspacePackages()) {
      expect(dockerfile, `COPY of ${pkg.dir}/package.json`).toContain(
        `COPY ${pkg.dir}/package.json ${pkg.dir}/`,
      );
    }
    expect(dockerfile).toMatch(/COPY package\.json pnpm-lock\.yaml pnpm-workspace\.yaml \.\//);
    expect(dockerfile).toMatch(/pnpm install --frozen-lockfile --prod/);
  });

  it('installs production dependencies only: services run compiled JavaScript, tsx is for development', () => {
    const root = JSON.parse(readRepoFile('package.json'));
    expect(root.dependencies?.tsx, 'tsx in the root dependencies').toBeUndefined();
    expect(root.devDependencies?.tsx, 'tsx in the root devDependencies').toBeDefined();
  });

  it('runs as a numeric non-root user with NODE_ENV=production, the models and a health check', () => {
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(runtimeStage);
    expect(user, 'a numeric USER in the runtime stage').not.toBeNull();
    expect(Number(user![1])).toBeGreaterThan(0);
    expect(runtimeStage).toMatch(/NODE_ENV=production/);
    expect(runtimeStage).toMatch(/SWITCHBOARD_MODELS=\/app\/models/);
    expect(runtimeStage).toMatch(/^HEALTHCHECK .*\n?.*deploy\/healthcheck\.mjs/m);
    expect(runtimeStage).toMatch(/^ENTRYPOINT \["sh", "\/app\/deploy\/docker-entrypoint\.sh"\]$/m);
    const cmd = /^CMD \["([a-z]+)"\]$/m.exec(runtimeStage);
    expect(entrypointServices().has(cmd?.[1] ?? '')).toBe(true);
  });

  it('.dockerignore keeps secrets and installed modules out, and the models in', () => {
    expect(dockerignore).toContain('.env');
    expect(dockerignore).toContain('**/node_modules');
    for (const kept of ['models', 'core', 'worker', 'plugins', 'dashboard', 'deploy/docker-entrypoint.sh'])
      expect(dockerignore, kept).not.toContain(kept);
    // An excluded package folder must re-include its manifest, which the deps stage copies.
    for (const pkg of workspacePackages()) {
      if (dockerignore.includes(pkg.dir)) expect(dockerignore).toContain(`!${pkg.dir}/package.json`);
    }
  });
});

describe('entrypoint script', () => {
  it('starts exactly the services package.json files declare, plus the CLI', () => {
    const mapped = entrypointServices();
    const declared = serviceDeclarations();
    expect(declared.size).toBeGreaterThanOrEqual(5);
    for (const [name, service] of declared) expect(mapped.get(name), name).toBe(service.entry);
    const cli = workspacePackages().find((p) => p.dir === 'plugins/cli')!;
    expect(mapped.get('cli')).toBe(`plugins/cli/${cli.manifest.bin!.switchboard!.replace(/^\.\//, '')}`);
    expect([...mapped.keys()].sort()).toEqual([...declared.keys(), 'cli'].sort());
  });

  it('the health check script knows the same entries', () => {
    expect(healthcheckServices()).toEqual(entrypointServices());
  });

  it('runs the CLI it names', async () => {
    const result = await run('sh', [ENTRYPOINT, 'cli', '--help']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: switchboard/);
  });

  it('refuses an unknown service, listing the known ones', async () => {
    const result = await run('sh', [ENTRYPOINT, 'frobnicate']);
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/unknown service "frobnicate"/);
    expect(result.stderr).toMatch(/worker, http, slack, discord, dashboard, cli/);
  });
});

describe('health check script', () => {
  it("is healthy when the service's endpoint answers 200", async () => {
    const port = await endpoint(200);
    const result = await run('node', [HEALTHCHECK, 'http'], { HTTP_PORT: String(port) });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`http://127.0.0.1:${port}/readyz 200`);
  });

  it('asks a wildcard listen address on loopback, and reads each service its own port variable', async () => {
    const port = await endpoint(200);
    for (const [service, env] of [
      ['worker', { WORKER_METRICS_HOST: '0.0.0.0', WORKER_METRICS_PORT: String(port) }],
      ['dashboard', { DASHBOARD_HOST: '0.0.0.0', DASHBOARD_PORT: String(port) }],
      ['slack', { SLACK_PORT: String(port) }],
    ] as const) {
      const result = await run('node', [HEALTHCHECK, service], env);
      expect(result.status, `${service}: ${result.stderr}`).toBe(0);
    }
  });

  it('is unhealthy when the endpoint answers 503 or nothing listens', async () => {
    const down = await endpoint(503);
    const refused = await run('node', [HEALTHCHECK, 'worker'], { WORKER_METRICS_PORT: String(down) });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/answered 503/);
    const closed = await freePort();
    const silent = await run('node', [HEALTHCHECK, 'dashboard'], { DASHBOARD_PORT: String(closed) });
    expect(silent.status).toBe(1);
    expect(silent.stderr).toMatch(/unreachable \(ECONNREFUSED\)/);
  });

  it('reports services without an endpoint as running, and refuses unknown names', async () => {
    const discord = await run('node', [HEALTHCHECK, 'discord']);
    expect(discord.status).toBe(0);
    expect(discord.stdout).toMatch(/serves no HTTP endpoint/);
    const socketMode = await run('node', [HEALTHCHECK, 'slack'], { SLACK_APP_TOKEN: 'xapp-1' });
    expect(socketMode.status).toBe(0);
    expect(socketMode.stdout).toMatch(/Socket Mode opens no port/);
    const unknown = await run('node', [HEALTHCHECK, 'frobnicate']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown service "frobnicate"/);
  });
});
