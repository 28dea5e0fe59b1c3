// @@notice@@
// Docker health check of the Switchboard image: asks the running service's own health endpoint.
//   node deploy/healthcheck.mjs [service]
// Without an argument the service is read from SWITCHBOARD_SERVICE, else from the command line of
// the process running in the container (one image runs every service, so the Dockerfile's single
// HEALTHCHECK has to find out which one it is looking at). Plain JavaScript with the declarations
// written in, so that it needs nothing but node and starts in a fraction of a second, every 30 s.
import { readdirSync, readFileSync } from 'node:fs';

/** Each service's entry and probe, from its `switchboard.service` block (`listen` and `health`). */
const SERVICES = /* @@services@@ */ {};
/** The `switchboard` CLI's file: a container running it without `run <service>` runs a one-off command. */
const CLI = /* @@cli@@ */ {};

const env = process.env;
const names = Object.keys(SERVICES).join(', ');

/** A wildcard listen address is probed on loopback; a specific one on itself. */
function probeHost(host) {
  if (!host || host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** True when a mode without a port is on: the flag says so, or (unset) the other variable is set. */
function skipped(skipWhen) {
  if (!skipWhen) return false;
  const flag = env[skipWhen.flag];
  if (flag) return ['true', '1', 'yes'].includes(flag.toLowerCase());
  return Boolean(skipWhen.orSet && env[skipWhen.orSet]);
}

/** The URL to ask, or a reason why this service has none. */
function target(service) {
  if (service === 'cli') return { none: 'the CLI is a one-off command' };
  const s = SERVICES[service];
  if (!s) return undefined;
  if (s.none) return { none: s.none };
  if (skipped(s.skipWhen)) return { none: s.skipWhen.reason };
  const port = env[s.portEnv] || String(s.port);
  if (port === '0') return { none: `${s.portEnv}=0 picks a random port` };
  return { url: `http://${probeHost(s.hostEnv && env[s.hostEnv])}:${port}${s.path}` };
}

/** The service a process in this container runs (PID 1 first): `run <service>`, or its entry file. */
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
    const run = cmdline.indexOf('run');
    if (run > 0 && SERVICES[cmdline[run + 1]]) return cmdline[run + 1];
    for (const [service, { entry }] of Object.entries(SERVICES)) {
      if (cmdline.some((arg) => arg.endsWith(entry))) return service;
    }
    if (cmdline.some((arg) => arg.endsWith(CLI))) return 'cli';
  }
  return undefined;
}

const service = process.argv[2] || env.SWITCHBOARD_SERVICE || detectService();
if (!service) {
  console.error(`healthcheck: no Switchboard service found; pass its name (${names}).`);
  process.exit(1);
}
const probe = target(service);
if (!probe) {
  console.error(`healthcheck: unknown service "${service}"; use ${names} or cli.`);
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
