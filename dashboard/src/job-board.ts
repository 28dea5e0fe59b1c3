import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { redactSecretFields } from '@switchboard/core';
import { Hono } from 'hono';
import type { QueueRegistry } from './overview/queue-registry.js';

/** Where the job board is mounted. */
export const JOB_BOARD_PATH = '/queues';

const require = createRequire(import.meta.url);

/**
 * One bull-board instance over every queue of the registry, mounted at {@link JOB_BOARD_PATH}.
 * The dashboard builds two: an admin board with bull-board's actions, and a read-only board for
 * viewers (bull-board's per-queue `readOnlyMode`, which also hides retries and refuses them with
 * 405 in its API). Queues found later are added to the board as they appear. Job data is shown
 * with every reply-target field its channel marked secret redacted (Slack's response_url,
 * Discord's interaction token), in the pages and in the board's JSON API alike, for every role.
 */
export function jobBoard(registry: QueueRegistry, readOnly: boolean): Hono {
  const server = new HonoAdapter(serveStatic);
  server.setBasePath(JOB_BOARD_PATH);
  const adapter = (queue: ConstructorParameters<typeof BullMQAdapter>[0]) => {
    const board = new BullMQAdapter(queue, {
      readOnlyMode: readOnly,
      allowRetries: !readOnly,
      description: queue.name,
    });
    board.setFormatter('data', (data: unknown) => redactSecretFields(data));
    return board;
  };
  const initial = registry.all();
  const added = new Set(initial.map((q) => q.name));
  const board = createBullBoard({
    queues: initial.map(adapter),
    serverAdapter: server,
    options: {
      uiBasePath: dirname(require.resolve('@bull-board/ui/package.json')),
      uiConfig: {
        boardTitle: 'Switchboard jobs',
        miscLinks: [{ text: 'Overview', url: '/' }],
        hideDocsLink: true,
        ...(readOnly
          ? { environment: { label: 'read-only (viewer)', color: '#5b6b82', textColor: '#ffffff' } }
          : {}),
      },
    },
  });
  registry.onQueue((queue) => {
    if (added.has(queue.name)) return;
    added.add(queue.name);
    board.addQueue(adapter(queue));
  });
  return new Hono().route(JOB_BOARD_PATH, server.registerPlugin());
}
