/**
 * Entry point of the dashboard service (`switchboard start` runs it; so can, once built,
 * `node dashboard/dist/dashboard-main.js`).
 */
import { announceReady, redactRedisUrl } from '@switchboard/core';
import { pino } from 'pino';
import { dashboardOptionsFromEnv } from './dashboard-options.js';
import { Dashboard } from './dashboard-server.js';

let options: ReturnType<typeof dashboardOptionsFromEnv>;
try {
  options = dashboardOptionsFromEnv();
} catch (err) {
  console.error(`switchboard dashboard: ${(err as Error).message}`);
  process.exit(2);
}
const log = pino({ level: options.logLevel, base: { service: 'dashboard', pid: process.pid } });
const dashboard = new Dashboard(options, log);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    dashboard.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

try {
  const address = await dashboard.start();
  const users = options.credentials.users.map((u) => `${u.name} (${u.role})`);
  log.info(
    {
      url: address.url,
      redis: redactRedisUrl(options.redisUrl),
      prefix: options.prefix,
      users,
      token: options.credentials.token !== undefined,
    },
    'dashboard ready',
  );
  announceReady({
    url: address.url,
    detail: address.devMode
      ? `${address.url} (DEVELOPMENT MODE: no login; set DASHBOARD_USERS)`
      : `${address.url} (login: ${users.join(', ') || 'token'})`,
    devMode: address.devMode,
  });
} catch (err) {
  log.fatal({ err: (err as Error).message }, 'dashboard failed to start');
  console.error(`switchboard dashboard: ${(err as Error).message}`);
  await dashboard.close();
  process.exit(1);
}
