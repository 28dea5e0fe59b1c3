import { ModelCatalog } from '@switchboard/core';
import { readWatchConfig, resolveWatchConfig } from '@switchboard/plugin-telegram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordTestModels, type DiscordTestModels } from '../discord/discord-test-models.js';

let models: DiscordTestModels;
let catalog: ModelCatalog;

beforeAll(async () => {
  models = await createDiscordTestModels();
  catalog = new ModelCatalog(models.dir);
});

afterAll(async () => {
  await models?.remove();
});

async function resolve(json: unknown) {
  return resolveWatchConfig(await readWatchConfig(JSON.stringify(json)), catalog);
}

describe('TELEGRAM_WATCH', () => {
  it("resolves thresholds: the chat's, else the model's switchboard.json, else 0.8", async () => {
    const list = await resolve({
      '-1001234567890': { models: { toxicity: 0.7, spam: {} }, action: 'delete', notify: '-1009876543210' },
      '-42': { models: { toxicity: { labels: ['offensive'] } } },
    });
    expect(list.get(-1001234567890)).toEqual({
      chatId: -1001234567890,
      action: 'delete',
      notify: -1009876543210,
      rules: [
        { model: 'toxicity', alerts: { offensive: 0.7 } },
        { model: 'spam', alerts: { spam: 0.9 } },
      ],
    });
    expect(list.get(-42)).toEqual({
      chatId: -42,
      action: 'reply',
      rules: [{ model: 'toxicity', alerts: { offensive: 0.8 } }],
    });
  });

  it('names the variable, the chat and what is wrong', async () => {
    await expect(readWatchConfig('{nope')).rejects.toThrow(/^TELEGRAM_WATCH is not valid JSON/);
    await expect(readWatchConfig('{"general": {"models": {"spam": 0.9}}}')).rejects.toThrow(
      'TELEGRAM_WATCH: general is not a chat id (an integer)',
    );
    await expect(readWatchConfig('{"-1": {"models": {"spam": 2}}}')).rejects.toThrow(
      'TELEGRAM_WATCH: -1.models.spam must be between 0 and 1',
    );
    await expect(readWatchConfig('{"-1": {"models": {"spam": 0.9}, "action": "ban"}}')).rejects.toThrow(
      /TELEGRAM_WATCH: -1\.action must be "reply" or "delete"/,
    );
    await expect(readWatchConfig('{"-1": {"models": {}}}')).rejects.toThrow(/must name at least one model/);
    await expect(readWatchConfig('/no/such/file.json')).rejects.toThrow(
      /^TELEGRAM_WATCH file \/no\/such\/file\.json cannot be read \(ENOENT\)/,
    );
    await expect(resolve({ '-1': { models: { hate: 0.5 } } })).rejects.toThrow(
      /chat -1 moderates with model "hate", which the model repository .* does not hold \(available: sentiment, spam, toxicity\)/,
    );
    await expect(resolve({ '-1': { models: { sentiment: 0.5 } } })).rejects.toThrow(
      /model "sentiment" declares no alert_labels/,
    );
    await expect(resolve({ '-1': { models: { toxicity: { labels: ['rude'] } } } })).rejects.toThrow(
      'TELEGRAM_WATCH: chat -1: model "toxicity" has no label "rude" (labels: not-offensive, offensive).',
    );
  });
});
