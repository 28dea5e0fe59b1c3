// Docker health check of the Switchboard image: asks the running service's own health endpoint.
//   node deploy/healthcheck.mjs [service]
// Without an argument the service is read from SWITCHBOARD_SERVICE, else from the command line of
// the process running in the container (one image runs every service, so the Dockerfile's single
// HEALTHCHECK has to find out which one it is looking at). Plain JavaScript: it starts in a fraction
// of the time tsx would need, every 30 s.
import { readdirSync, readFileSync } from 'node:fs';

const ENTRIES = {
  worker: 'worker/src/worker-main.ts',
  http: 'plugins/http/src/http-main.ts',
  slack: 'plugins/slack/src/slack-main.ts',
  discord: 'plugins/discord/src/discord-main.ts',
  dashboard: 'dashboard/src/dashboard-main.ts',
  cli: 'plugins/cli/src/main.ts',
};

const env = process.env;

/** A wildcard listen address is probed on loopback; a specific one on itself. */
function probeHost(host) {
  if (!host || host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The URL to ask, or a reason why this service has none. */
function target(service) {
  switch (service) {
    case 'worker':
      if (env.WORKER_METRICS_PORT === '0') return { none: 'WORKER_METRICS_PORT=0 picks a random port' };
      return {
        url: `http://${probeHost(env.WORKER_METRICS_HOST)}:${env.WORKER_METRICS_PORT || 9464}/readyz`,
      };
    case 'http':
      return { url: `http://${probeHost(env.HTTP_HOST)}:${env.HTTP_PORT || 8080}/readyz` };
    case 'dashboard':
      return { url: `http://${probeHost(env.DASHBOARD_HOST)}:${env.DASHBOARD_PORT || 3100}/healthz` };
    case 'slack': {
      const socket = env.SLACK_SOCKET_MODE
        ? ['true', '1', 'yes'].includes(env.SLACK_SOCKET_MODE)
        : Boolean(env.SLACK_APP_TOKEN);
      if (socket) return { none: 'Slack Socket Mode opens no port' };
      return { url: `http://${probeHost(env.SLACK_HOST)}:${env.SLACK_PORT || 3000}/healthz` };
    }
    case 'discord':
      return { none: 'the Discord plugin serves no HTTP endpoint' };
    case 'cli':
      return { none: 'the CLI is a one-off command' };
    default:
      return undefined;
  }
}

/** The service whose entry file a process in this container runs (PID 1 first). */
function detectService() {
  let pids = ['1'];
  try {
    pids = ['1', ...readdirSync('/proc').filter((p) => /^\d+$/.test(p) && p !== '1')];
  } catch {
    // No /proc (not Linux): only an explicit service name can help.
  }
  for (const pid of pids) {
    let cmdline;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    for (const [service, entry] of Object.entries(ENTRIES)) {
      if (cmdline.some((arg) => arg.endsWith(entry))) return service;
    }
  }
  return undefined;
}

const service = process.argv[2] || env.SWITCHBOARD_SERVICE || detectService();
if (!service) {
  console.error('healthcheck: no Switchboard service found; pass its name (worker, http, slack, dashboard).');
  process.exit(1);
}
const probe = target(service);
if (!probe) {
  console.error(`healthcheck: unknown service "${service}"; use worker, http, slack, discord or dashboard.`);
  process.exit(1);
}
if (probe.none) {
  // Nothing to ask: the process exits on fatal errors, so "running" is all Docker can know.
  console.log(`healthcheck: ${service}: ${probe.none}; healthy while the process runs.`);
  process.exit(0);
}
try {
  const res = await fetch(probe.url, { signal: AbortSignal.timeout(4_000) });
  const body = (await res.text()).slice(0, 200);
  if (!res.ok) {
    console.error(`healthcheck: ${service}: ${probe.url} answered ${res.status} ${body}`);
    process.exit(1);
  }
  console.log(`healthcheck: ${service}: ${probe.url} ${res.status}`);
} catch (err) {
  console.error(`healthcheck: ${service}: ${probe.url} unreachable (${err.cause?.code ?? err.message})`);
  process.exit(1);
}
