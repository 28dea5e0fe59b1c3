/**
 * `@switchboard/plugin-telegram`: the Telegram bot. Start it with `telegram-main.ts`.
 * @packageDocumentation
 */
export { deliveryFailure } from './api-failure.js';
export { messageLink } from './message-link.js';
export {
  type CommandTarget,
  type ReplyTarget,
  ReplyTargetSchema,
  TELEGRAM_REPLY_TARGET,
  type WatchTarget,
} from './reply-target.js';
export { explainStartFailure } from './start-failure.js';
export { resultHtml, TELEGRAM_RENDERER, type TelegramAnswer } from './telegram-answer.js';
export { TelegramChannel } from './telegram-channel.js';
export { TelegramDeliverer, type TelegramDelivererOptions } from './telegram-deliverer.js';
export {
  TelegramIngress,
  type TelegramIngressInfo,
  type TelegramIngressOptions,
} from './telegram-ingress.js';
export { createTelegramLogger } from './telegram-logger.js';
export { TelegramPlugin, type TelegramPluginStatus } from './telegram-plugin.js';
export {
  TELEGRAM_ENV,
  type TelegramSettings,
  TelegramSettingsShape,
  telegramSettingsFromEnv,
} from './telegram-settings.js';
export { UpdateServer, type UpdateServerOptions, WEBHOOK_PATH } from './update-server.js';
export { BOT_COMMANDS, MAX_MESSAGE_CHARS } from './user-messages.js';
export {
  type AlertRule,
  type ChatWatch,
  readWatchConfig,
  resolveWatchConfig,
  type WatchConfig,
  WatchConfigSchema,
  type WatchList,
} from './watch-config.js';
