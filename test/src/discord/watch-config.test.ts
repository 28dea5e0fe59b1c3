import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelCatalog } from '@switchboard/core';
import { readWatchConfig, resolveWatchConfig } from '@switchboard/plugin-discord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordTestModels, type DiscordTestModels } from './discord-test-models.js';

const GUILD = '123456789012345678';
const CHANNEL = '223456789012345678';
const MOD_LOG = '323456789012345678';
const DEFAULTS = { models: ['toxicity', 'spam'], threshold: 0.8 };

let models: DiscordTestModels;
let catalog: ModelCatalog;

beforeAll(async () => {
  models = await createDiscordTestModels();
  catalog = new ModelCatalog(models.dir);
});

afterAll(async () => {
  await models?.remove();
});

const guild = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ [GUILD]: { channels: [CHANNEL], modLog: MOD_LOG, ...extra } });

describe('readWatchConfig', () => {
  it('reads inline JSON and a JSON file alike', async () => {
    const file = join(models.dir, 'watch.json');
    await writeFile(file, guild());
    expect(await readWatchConfig(file)).toEqual(await readWatchConfig(guild()));
  });

  it.each([
    ['{"oops"', /^DISCORD_WATCH is not valid JSON: /],
    [
      JSON.stringify({ 'my-guild': { channels: [CHANNEL], modLog: MOD_LOG } }),
      /^DISCORD_WATCH: my-guild is not a guild id/,
    ],
    [
      JSON.stringify({ [GUILD]: { channels: [], modLog: MOD_LOG } }),
      /channels must list at least one channel id/,
    ],
    [
      JSON.stringify({ [GUILD]: { channels: ['general'], modLog: MOD_LOG } }),
      /channels\[0\] must be a channel id/,
    ],
    [guild({ models: { toxicity: 1.5 } }), /models\.toxicity must be between 0 and 1$/],
    [guild({ modlog: MOD_LOG }), /Unrecognized key: "modlog"/],
    [
      JSON.stringify({ [GUILD]: { channels: [CHANNEL] } }),
      new RegExp(`^DISCORD_WATCH: ${GUILD}\\.modLog is missing$`),
    ],
    ['[1, 2]', /^DISCORD_WATCH: must be a JSON object of guild id → settings$/],
  ])('names what is wrong in %s', async (value, message) => {
    await expect(readWatchConfig(value)).rejects.toThrow(message);
  });

  it('says when the file cannot be read', async () => {
    await expect(readWatchConfig('/no/such/watch.json')).rejects.toThrow(
      'DISCORD_WATCH file /no/such/watch.json cannot be read (ENOENT)',
    );
  });
});

describe('resolveWatchConfig', () => {
  it('takes thresholds from the guild, else the model, else the default', async () => {
    const list = await resolveWatchConfig(await readWatchConfig(guild()), catalog, DEFAULTS);
    expect(list.get(GUILD)?.rules).toEqual([
      { model: 'toxicity', alerts: { offensive: 0.8 } },
      { model: 'spam', alerts: { spam: 0.9 } },
    ]);
    const strict = await resolveWatchConfig(
      await readWatchConfig(
        guild({ models: { spam: 0.5, sentiment: { threshold: 0.6, labels: ['negative'] } } }),
      ),
      catalog,
      DEFAULTS,
    );
    expect(strict.get(GUILD)?.rules).toEqual([
      { model: 'spam', alerts: { spam: 0.5 } },
      { model: 'sentiment', alerts: { negative: 0.6 } },
    ]);
  });

  it('asks for labels when the model declares no alert labels', async () => {
    await expect(
      resolveWatchConfig(await readWatchConfig(guild({ models: { sentiment: 0.7 } })), catalog, DEFAULTS),
    ).rejects.toThrow(
      `DISCORD_WATCH: guild ${GUILD}: model "sentiment" declares no alert_labels in its switchboard.json; name the labels to flag, e.g. "sentiment": {"threshold": 0.8, "labels": ["positive"]}.`,
    );
  });

  it('refuses a label the model does not have', async () => {
    await expect(
      resolveWatchConfig(
        await readWatchConfig(guild({ models: { spam: { labels: ['scam'] } } })),
        catalog,
        DEFAULTS,
      ),
    ).rejects.toThrow(`DISCORD_WATCH: guild ${GUILD}: model "spam" has no label "scam" (labels: ham, spam).`);
  });
});
