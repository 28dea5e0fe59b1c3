/**
 * Entry point of the HTTP API service (`pnpm switchboard start` runs it; or, once built,
 * `node plugins/http/dist/http-main.js`). Configuration comes from the environment:
 * see plugins/http/README.md.
 */
import { announceReady, stopOnSignals } from '@switchboard/core';
import { pino } from 'pino';
import { type HttpOptions, httpOptionsFromEnv } from './http-options.js';
import { HttpServer } from './http-server.js';

let options: HttpOptions;
let server: HttpServer;
const log = pino({ level: 'info', base: { service: 'http', pid: process.pid } });
try {
  options = httpOptionsFromEnv();
  log.level = options.logLevel;
  server = new HttpServer(options, log);
} catch (err) {
  console.error(`switchboard http: ${(err as Error).message}`);
  process.exit(2);
}

stopOnSignals(() => server.close(), log, 'requests in flight');

try {
  const { url } = await server.start();
  if (server.auth.kind === 'local') {
    console.error(
      [
        '',
        '  !! LOCAL DEVELOPMENT MODE: no API keys are configured, so every request is accepted.',
        `  !! This is allowed only because the server is bound to ${options.host} (this machine only).`,
        '  !! Set HTTP_API_KEYS before binding to any other address.',
        '',
      ].join('\n'),
    );
  }
  announceReady({
    url,
    detail: `${url}/v1/classify, docs ${url}/docs${server.auth.kind === 'local' ? ' (LOCAL MODE: no API keys)' : ''}`,
  });
} catch (err) {
  log.fatal({ err: (err as Error).message }, 'HTTP API failed to start');
  await server.close();
  process.exit(1);
}
