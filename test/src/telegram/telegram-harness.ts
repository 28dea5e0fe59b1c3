import {
  createTelegramLogger,
  TelegramPlugin,
  type TelegramPluginStatus,
  telegramSettingsFromEnv,
} from '@switchboard/plugin-telegram';
import { FakeBotApi } from './fake-bot-api.js';

/** The token the fake Bot API accepts (the form BotFather gives). */
export const TOKEN = '123456789:AAHfakeTokenForTestsOnly_abcdefghijklmnop';

/** People who write to the bot. */
export const ALICE = { id: 1001, is_bot: false, first_name: 'Alice', username: 'alice' };
export const BOB = { id: 1002, is_bot: false, first_name: 'Bob', username: 'bob' };
export const CAROL = { id: 1003, is_bot: false, first_name: 'Carol' };
export const OTHER_BOT = { id: 1999, is_bot: true, first_name: 'Other', username: 'otherbot' };

/** Chats the tests use. */
export const CHATS = {
  group: { id: -1001000000001, type: 'supergroup', title: 'Team' },
  watched: { id: -1001000000111, type: 'supergroup', title: 'Moderated' },
  watchedDelete: { id: -1001000000222, type: 'supergroup', title: 'Strict', username: 'strictchat' },
  admin: { id: -1001000000999, type: 'supergroup', title: 'Admins' },
} as const;

/** `TELEGRAM_WATCH` of the tests: toxicity replies in one chat, deletes in the other. */
export const WATCH = JSON.stringify({
  [CHATS.watched.id]: { models: { toxicity: 0.8 }, action: 'reply', notify: String(CHATS.admin.id) },
  [CHATS.watchedDelete.id]: {
    models: { toxicity: 0.8, spam: 0.9 },
    action: 'delete',
    notify: CHATS.admin.id,
  },
});

let nextMessageId = 1;

type Chat = { id: number; type: string; title?: string; username?: string; first_name?: string };
type User = { id: number; is_bot: boolean; first_name: string; username?: string };

/** A message as Telegram sends it: a leading `/command` carries its bot_command entity. */
export function message(
  chat: Chat,
  from: User,
  text: string | undefined,
  extra: Record<string, unknown> = {},
) {
  const command = text ? /^\/\S+/.exec(text) : null;
  return {
    message_id: nextMessageId++,
    date: Math.floor(Date.now() / 1_000),
    chat,
    from,
    ...(text !== undefined ? { text } : {}),
    ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
    ...extra,
  };
}

/** A private chat with `user`. */
export function privateChat(user: User): Chat {
  return { id: user.id, type: 'private', first_name: user.first_name };
}

/** Options of {@link startTelegram}. */
export interface TelegramTestOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly modelsDir: string;
  /** Further environment (`TELEGRAM_WEBHOOK_URL`...). */
  readonly env?: Record<string, string>;
  /** Reuse a fake (a restart talks to the same Telegram). */
  readonly fake?: FakeBotApi;
}

/** A started plugin and the fake Telegram it talks to. */
export interface TelegramUnderTest {
  readonly plugin: TelegramPlugin;
  readonly fake: FakeBotApi;
  readonly status: TelegramPluginStatus;
}

/** Starts the real plugin (grammY's real Bot) against a fake Bot API. */
export async function startTelegram(options: TelegramTestOptions): Promise<TelegramUnderTest> {
  const fake = options.fake ?? (await FakeBotApi.start(TOKEN));
  const settings = telegramSettingsFromEnv({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_PORT: '0',
    TELEGRAM_HOST: '127.0.0.1',
    TELEGRAM_WATCH: WATCH,
    REDIS_URL: options.redisUrl,
    SWITCHBOARD_QUEUE_PREFIX: options.prefix,
    SWITCHBOARD_MODELS: options.modelsDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const plugin = new TelegramPlugin(settings, createTelegramLogger(settings.logLevel));
  const status = await plugin.start();
  return { plugin, fake, status };
}
