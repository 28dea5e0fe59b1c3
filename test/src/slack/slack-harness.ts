import { Writable } from 'node:stream';
import { createSlackLogger, SlackPlugin, slackConfigFromEnv } from '@switchboard/plugin-slack';

/** The signing secret the test app is configured with. */
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** The bot token the test app is configured with; must never appear in its logs. */
export const BOT_TOKEN = 'xoxb-0000000000-1111111111-testtokentesttoken';

/** Options of {@link startSlackApp}. */
export interface SlackAppOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly modelsDir: string;
  readonly defaultModel: string;
  /** The fake Web API base. */
  readonly apiUrl: string;
  /** Further environment (`SLACK_USER_RATE_LIMIT`...). */
  readonly env?: Record<string, string>;
}

/** A running Slack plugin, in this process, listening on a free loopback port. */
export interface SlackApp {
  readonly plugin: SlackPlugin;
  /** `http://127.0.0.1:<port>/slack/events`. */
  readonly url: string;
  /** Every log line the plugin wrote (debug level), for checks on what it logs. */
  readonly logs: string[];
}

/** Configures the plugin through its real environment parsing and starts it. */
export async function startSlackApp(options: SlackAppOptions): Promise<SlackApp> {
  const config = slackConfigFromEnv({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_PORT: '0',
    SLACK_HOST: '127.0.0.1',
    SLACK_API_URL: options.apiUrl,
    REDIS_URL: options.redisUrl,
    SWITCHBOARD_QUEUE_PREFIX: options.prefix,
    SWITCHBOARD_MODELS: options.modelsDir,
    SWITCHBOARD_DEFAULT_MODEL: options.defaultModel,
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const plugin = new SlackPlugin(config, createSlackLogger('debug', sink));
  try {
    const info = await plugin.start();
    return { plugin, url: info.url!, logs };
  } catch (err) {
    await plugin.close();
    throw err;
  }
}
