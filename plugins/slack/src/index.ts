/**
 * `@switchboard/plugin-slack`: the Slack channel. Never loads onnxruntime.
 * @packageDocumentation
 */
export { type ParsedRequest, parseRequestText } from './command-text.js';
export { SLACK_REPLY_TARGET, type SlackReplyTarget, SlackReplyTargetSchema } from './reply-target.js';
export { RESPONSE_URL_LIFETIME_MS, RESPONSE_URL_MAX_USES, ResponseUrlLedger } from './response-url-ledger.js';
export { failureMessage, resultMessage } from './result-message.js';
export { SlackChannel } from './slack-channel.js';
export {
  DEFAULT_SLACK_MODEL,
  type ResponseVisibility,
  SLACK_ENV,
  type SlackConfig,
  type SlackConnection,
  slackConfigFromEnv,
} from './slack-config.js';
export { createSlackLogger, scrubSecrets } from './slack-logger.js';
export type { SlackMessage } from './slack-message.js';
export { SlackPlugin, type SlackPluginInfo } from './slack-plugin.js';
