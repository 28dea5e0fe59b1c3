import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entrypointServices } from './image-services.js';
import { readRepoFile, repoPath } from './repo-files.js';
import { serviceDeclarations } from './service-declarations.js';
import { serviceEnvironmentVariables } from './service-environment.js';
import { readYamlDocument } from './yaml-documents.js';

// biome-ignore lint/suspicious/noExplicitAny: compose services are checked field by field below.
type ComposeService = any;

const compose = readYamlDocument('docker-compose.yml') as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
};
const services = Object.entries(compose.services);
/** Services that run this repository's image. */
const appServices = services.filter(([, s]) => s.image?.startsWith('switchboard'));

/** The image's service a compose service runs: the entrypoint's first argument, else the command's. */
function imageService(s: ComposeService): string {
  const entrypoint: string[] = s.entrypoint ?? [];
  const at = entrypoint.findIndex((arg) => arg.endsWith('docker-entrypoint.sh'));
  return at >= 0 && entrypoint[at + 1] ? entrypoint[at + 1]! : s.command[0];
}

/** Seconds of a compose duration such as `45s` or `1m30s`. */
function seconds(duration: string): number {
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!m) throw new Error(`"${duration}" is not a compose duration`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('docker-compose.yml', () => {
  it('parses, has no top-level name (docker-compose v1 refuses it), and runs every service', () => {
    expect(compose.name).toBeUndefined();
    const names = services.map(([name]) => name);
    for (const name of ['redis', ...serviceDeclarations().keys()]) expect(names).toContain(name);
  });

  it('every service has a health check, except the two that have nothing to ask', () => {
    const disabled: string[] = [];
    for (const [name, s] of services) {
      expect(s.healthcheck, `${name}: healthcheck`).toBeDefined();
      if (s.healthcheck.disable === true) {
        disabled.push(name);
        continue;
      }
      expect(s.healthcheck.test?.[0], `${name}: healthcheck.test`).toMatch(/^CMD(-SHELL)?$/);
    }
    // Discord serves no HTTP endpoint; the CLI is a one-off command.
    expect(disabled.sort()).toEqual(['cli', 'discord']);
  });

  it("app health checks ask the service's own endpoint through the image's script", () => {
    for (const [name, s] of appServices) {
      if (s.healthcheck.disable) continue;
      expect(s.healthcheck.test, name).toEqual([
        'CMD',
        'node',
        '/app/deploy/healthcheck.mjs',
        imageService(s),
      ]);
    }
  });

  it('Redis persists an append-only file on a volume and never evicts keys', () => {
    const redis = compose.services.redis;
    const args = (redis.command as string[]).join(' ');
    expect(args).toMatch(/--appendonly yes/);
    expect(args).toMatch(/--maxmemory-policy noeviction/);
    const volume = (redis.volumes as string[]).find((v) => v.endsWith(':/data'));
    expect(volume, 'a volume on /data').toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume!.split(':')[0]);
  });

  it('app services run services the image knows, read .env, and wait for a healthy Redis', () => {
    const known = entrypointServices();
    expect(appServices.length).toBeGreaterThanOrEqual(6);
    for (const [name, s] of appServices) {
      expect(known.has(imageService(s)), `${name} runs "${imageService(s)}"`).toBe(true);
      expect(s.env_file, name).toBe('.env');
      expect(s.depends_on?.redis?.condition, name).toBe('service_healthy');
      expect(s.environment?.REDIS_URL, name).toBe('redis://redis:6379');
    }
  });

  it('chat plugins and the CLI start only with their profile; the core services always', () => {
    for (const [name, s] of services) {
      if (['slack', 'discord', 'telegram', 'cli'].includes(name)) expect(s.profiles, name).toEqual([name]);
      else expect(s.profiles, name).toBeUndefined();
    }
  });

  it('workers are replicated, metrics reachable, and stopped slower than they drain', () => {
    const worker = compose.services.worker;
    expect(worker.deploy.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.environment.WORKER_METRICS_HOST).toBe('0.0.0.0');
    // WORKER_SHUTDOWN_MS defaults to 20 s (worker/src/worker-options.ts).
    expect(readRepoFile('worker/src/worker-options.ts')).toMatch(/shutdownMs: int\(0\)\.default\(20_000\)/);
    expect(seconds(worker.stop_grace_period)).toBeGreaterThan(20 + 10);
  });

  it('environment keys set in the file are variables the services read', () => {
    const variables = serviceEnvironmentVariables();
    for (const [name, s] of appServices) {
      for (const key of Object.keys(s.environment ?? {})) {
        expect(variables.has(key), `${name}: ${key} is read by no service`).toBe(true);
      }
    }
  });

  it.skipIf(!hasDockerCompose)(
    'docker-compose config accepts the file with .env.example as .env (skipped without the docker-compose binary: apt-get install docker-compose)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'switchboard-compose-'));
      scratch.push(dir);
      copyFileSync(repoPath('docker-compose.yml'), join(dir, 'docker-compose.yml'));
      copyFileSync(repoPath('.env.example'), join(dir, '.env'));
      const run = spawnSync(
        'docker-compose',
        [
          '-f',
          'docker-compose.yml',
          '--profile',
          'slack',
          '--profile',
          'discord',
          '--profile',
          'telegram',
          'config',
          '--quiet',
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    },
  );
});

if (!hasDockerCompose) {
  console.warn(
    'docker-compose.yml: `docker-compose config` not run because the docker-compose binary is missing (apt-get install docker-compose).',
  );
}
