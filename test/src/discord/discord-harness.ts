import { CLASSIFY_QUEUE, connectionFromUrl, deliveryQueueName } from '@switchboard/core';
import { DiscordPlugin, discordSettingsFromEnv } from '@switchboard/plugin-discord';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import {
  type FakeUser,
  interactionPayload,
  type MessageFields,
  messageCommandData,
  messagePayload,
  slashData,
} from './discord-payloads.js';
import { createDiscordTestModels, type DiscordTestModels } from './discord-test-models.js';
import { FakeDiscord } from './fake-discord.js';

/** Ids of the fake world. */
export const IDS = {
  app: '900000000000000001',
  guild: '900000000000000010',
  general: '900000000000000020',
  watched: '900000000000000021',
  modLog: '900000000000000022',
} as const;

/** The bot's own user. */
export const BOT: FakeUser = { id: '900000000000000002', username: 'Switchboard', bot: true };
/** A person. */
export const ALICE: FakeUser = { id: '900000000000000100', username: 'alice' };
/** Another bot in the guild. */
export const OTHER_BOT: FakeUser = { id: '900000000000000200', username: 'otherbot', bot: true };

/** The moderation settings of the fake guild: toxicity at 0.7, spam at its model's own 0.9. */
export const WATCH = {
  [IDS.guild]: { channels: [IDS.watched], modLog: IDS.modLog, models: { toxicity: 0.7, spam: {} } },
};

/**
 * One test file's world: a fake Discord, a temporary model repository, a unique queue prefix on a
 * Redis, optionally a real worker process, and helpers to act as Discord users.
 */
export class DiscordHarness {
  readonly fake: FakeDiscord;
  readonly models: DiscordTestModels;
  readonly prefix: string;
  readonly redisUrl: string;
  worker: WorkerProcess | undefined;
  private readonly queues = new Map<string, Queue>();

  private constructor(fake: FakeDiscord, models: DiscordTestModels, redisUrl: string) {
    this.fake = fake;
    this.models = models;
    this.redisUrl = redisUrl;
    this.prefix = uniquePrefix('discord');
  }

  /** Starts the fake and writes the models; `redisUrl` defaults to the shared Redis. */
  static async start(redisUrl = SHARED_REDIS_URL): Promise<DiscordHarness> {
    const models = await createDiscordTestModels();
    const fake = await FakeDiscord.start({
      applicationId: IDS.app,
      bot: BOT,
      guilds: [{ id: IDS.guild, name: 'Test guild', channels: [IDS.general, IDS.watched, IDS.modLog] }],
    });
    return new DiscordHarness(fake, models, redisUrl);
  }

  /** The plugin's environment, as the stack would pass it. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DISCORD_TOKEN: 'test-bot-token',
      DISCORD_APPLICATION_ID: IDS.app,
      DISCORD_API_URL: this.fake.apiUrl,
      DISCORD_WATCH: JSON.stringify(WATCH),
      REDIS_URL: this.redisUrl,
      SWITCHBOARD_QUEUE_PREFIX: this.prefix,
      SWITCHBOARD_MODELS: this.models.dir,
      LOG_LEVEL: 'silent',
      ...extra,
    };
  }

  /** Starts the plugin in this process, configured from {@link DiscordHarness.env} and `extra`. */
  async startPlugin(extra: Record<string, string> = {}): Promise<DiscordPlugin> {
    const plugin = new DiscordPlugin(discordSettingsFromEnv(this.env(extra)), pino({ level: 'silent' }));
    await plugin.start();
    return plugin;
  }

  /** Starts a real worker process on this harness's queues and models. */
  async startWorker(): Promise<WorkerProcess> {
    this.worker = await startWorker({
      redisUrl: this.redisUrl,
      prefix: this.prefix,
      modelsDir: this.models.dir,
    });
    return this.worker;
  }

  /** Types into `/classify`'s `model:` option (an autocomplete interaction); returns the interaction. */
  autocompleteModel(typed: string, user: FakeUser = ALICE) {
    const interaction = {
      ...interactionPayload({
        applicationId: IDS.app,
        guildId: IDS.guild,
        channelId: IDS.general,
        user,
        data: {
          ...slashData({ text: 'anything' }),
          options: [
            { name: 'text', type: 3, value: 'anything' },
            { name: 'model', type: 3, value: typed, focused: true },
          ],
        },
      }),
      type: 4,
    };
    this.fake.gateway.dispatch('INTERACTION_CREATE', interaction);
    return interaction;
  }

  /** Sends `/classify` from `user`; returns the interaction (its `id` and `token`). */
  slash(
    options: { text: string; model?: string; private?: boolean },
    { user = ALICE, createdAt }: { user?: FakeUser; createdAt?: number } = {},
  ) {
    const interaction = interactionPayload({
      applicationId: IDS.app,
      guildId: IDS.guild,
      channelId: IDS.general,
      user,
      data: slashData(options),
      ...(createdAt !== undefined ? { createdAt } : {}),
    });
    this.fake.gateway.dispatch('INTERACTION_CREATE', interaction);
    return interaction;
  }

  /** Uses "Classify message" on `message`. */
  contextMenu(message: Record<string, unknown>, user: FakeUser = ALICE) {
    const interaction = interactionPayload({
      applicationId: IDS.app,
      guildId: IDS.guild,
      channelId: message.channel_id as string,
      user,
      data: messageCommandData(message),
    });
    this.fake.gateway.dispatch('INTERACTION_CREATE', interaction);
    return interaction;
  }

  /** Posts a message (MESSAGE_CREATE) in the fake guild; returns its payload. */
  message(fields: Omit<MessageFields, 'guildId'>): Record<string, unknown> & { id: string } {
    const message = messagePayload({ guildId: IDS.guild, ...fields }) as Record<string, unknown> & {
      id: string;
    };
    this.fake.gateway.dispatch('MESSAGE_CREATE', message);
    return message;
  }

  /** State of a job on the classify queue (`undefined` when there is none). */
  classifyJobState(id: string): Promise<string | undefined> {
    return this.jobState(CLASSIFY_QUEUE, id);
  }

  /** State of a delivery job on `deliver-discord` (`undefined` when there is none). */
  deliveryState(id: string): Promise<string | undefined> {
    return this.jobState(deliveryQueueName('discord'), id);
  }

  /** Job counts of `deliver-discord`. */
  deliveryCounts(): Promise<Record<string, number>> {
    return this.queue(deliveryQueueName('discord')).getJobCounts(
      'waiting',
      'active',
      'completed',
      'failed',
      'delayed',
    );
  }

  /** Stops the worker, the fake, deletes this prefix's keys and the models. */
  async close(): Promise<void> {
    await this.worker?.stop();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.fake.close();
    await deletePrefixKeys(this.redisUrl, this.prefix).catch(() => 0);
    await this.models.remove();
  }

  private async jobState(queueName: string, id: string): Promise<string | undefined> {
    const job = await this.queue(queueName).getJob(id);
    return job ? await job.getState() : undefined;
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: connectionFromUrl(this.redisUrl), prefix: this.prefix });
      queue.on('error', () => {});
      this.queues.set(name, queue);
    }
    return queue;
  }
}
