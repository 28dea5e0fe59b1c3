/**
 * `@switchboard/channel`: the channel contract ({@link ChannelAdapter}, in channel-adapter.ts) and
 * the runtime every chat channel is built on. Never loads onnxruntime.
 * @packageDocumentation
 */
export * from './alert-rules.js';
export * from './answer-notes.js';
export * from './channel-adapter.js';
export * from './channel-env.js';
export * from './channel-logger.js';
export * from './channel-metrics.js';
export * from './channel-runtime.js';
export * from './command-text.js';
export * from './json-setting.js';
export * from './moderation-flags.js';
export * from './ops-routes.js';
export * from './person-rate-limiter.js';
export * from './refusal.js';
export * from './run-channel.js';
export * from './score-bar.js';
export * from './text-excerpt.js';
