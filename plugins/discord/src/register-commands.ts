/**
 * Registers the bot's commands with Discord:
 * `node plugins/discord/dist/register-commands.js [--guild ID]`.
 * With `--guild` the commands go to one guild and work at once (development); without, they are
 * global. `model:` is autocompleted from the live model list; registering checks that the model
 * repository (SWITCHBOARD_MODELS) holds a usable model at all.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ModelCatalog } from '@switchboard/core';
import { REST, type RESTPutAPIApplicationCommandsResult, Routes } from 'discord.js';
import { classifyCommands } from './command-definitions.js';
import { discordSettingsFromEnv } from './discord-settings.js';

/** Options of {@link registerCommands}. */
export interface RegisterCommandsOptions {
  readonly rest: REST;
  readonly applicationId: string;
  /** One guild (instant) rather than global. */
  readonly guildId?: string;
  readonly defaultModel: string;
}

/** Replaces the application's commands (in one guild or globally) with Switchboard's. */
export async function registerCommands(
  o: RegisterCommandsOptions,
): Promise<RESTPutAPIApplicationCommandsResult> {
  const route = o.guildId
    ? Routes.applicationGuildCommands(o.applicationId, o.guildId)
    : Routes.applicationCommands(o.applicationId);
  return (await o.rest.put(route, {
    body: classifyCommands(o.defaultModel),
  })) as RESTPutAPIApplicationCommandsResult;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { guild: { type: 'string', short: 'g' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
  if (values.help) {
    console.log('Usage: node plugins/discord/dist/register-commands.js [--guild ID]');
    console.log('Needs DISCORD_TOKEN and DISCORD_APPLICATION_ID; reads models from SWITCHBOARD_MODELS.');
    return 0;
  }
  if (values.guild !== undefined && !/^\d{15,21}$/.test(values.guild)) {
    console.error(
      `--guild ${values.guild} is not a guild id (digits; Developer Mode → right-click the server → Copy Server ID)`,
    );
    return 2;
  }
  const settings = discordSettingsFromEnv();
  const catalog = new ModelCatalog(settings.modelsDir);
  const { models, broken } = await catalog.list();
  for (const b of broken) console.error(`skipping model ${b.name}: ${b.error.message}`);
  if (models.length === 0) {
    console.error(
      `No usable model in ${catalog.root}: /classify would offer no model. Put models there (switchboard train) or set SWITCHBOARD_MODELS.`,
    );
    return 1;
  }
  const names = models.map((m) => m.name);
  const rest = new REST({ version: '10', ...(settings.apiUrl ? { api: settings.apiUrl } : {}) }).setToken(
    settings.token,
  );
  const registered = await registerCommands({
    rest,
    applicationId: settings.applicationId,
    ...(values.guild ? { guildId: values.guild } : {}),
    defaultModel: settings.defaultModel,
  });
  const where = values.guild
    ? `in guild ${values.guild} (usable at once)`
    : 'globally (Discord can take a while to show them in every client)';
  console.log(
    `Registered ${registered.map((c) => (c.type === 1 ? `/${c.name}` : `“${c.name}”`)).join(' and ')} ${where}; models: ${names.join(', ')}.`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`register-commands: ${err.message}`);
      process.exit(1);
    },
  );
}
