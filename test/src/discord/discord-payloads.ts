import { randomBytes } from 'node:crypto';
import { snowflake } from './snowflake.js';

/** A user as the gateway sends it. */
export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly bot?: boolean;
}

/** A guild of the fake, with its text channels. */
export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly channels: readonly string[];
}

/** The gateway's user object. */
export function userPayload(user: FakeUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.username,
    avatar: null,
    ...(user.bot ? { bot: true } : {}),
  };
}

function memberPayload(user: FakeUser): Record<string, unknown> {
  return {
    user: userPayload(user),
    roles: [],
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    permissions: '2248473465835073',
  };
}

/** GUILD_CREATE data: discord.js caches the channels, without which it drops their messages. */
export function guildCreatePayload(guild: FakeGuild): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    owner_id: '100000000000000001',
    unavailable: false,
    member_count: 2,
    large: false,
    features: [],
    emojis: [],
    stickers: [],
    roles: [{ id: guild.id, name: '@everyone', permissions: '2248473465835073', position: 0, color: 0 }],
    channels: guild.channels.map((id, position) => ({
      id,
      type: 0,
      guild_id: guild.id,
      name: `channel-${position}`,
      position,
      permission_overwrites: [],
    })),
    threads: [],
    members: [],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    joined_at: new Date(0).toISOString(),
    preferred_locale: 'en-US',
    system_channel_flags: 0,
    premium_tier: 0,
    nsfw_level: 0,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
  };
}

/** Fields of a message the tests choose. */
export interface MessageFields {
  readonly guildId: string;
  readonly channelId: string;
  readonly author: FakeUser;
  readonly content: string;
  readonly mentions?: readonly FakeUser[];
  readonly id?: string;
}

/** A message object (MESSAGE_CREATE data, or a resolved context-menu target). */
export function messagePayload(m: MessageFields): Record<string, unknown> {
  return {
    id: m.id ?? snowflake(),
    type: 0,
    channel_id: m.channelId,
    guild_id: m.guildId,
    author: userPayload(m.author),
    member: { roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 },
    content: m.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: (m.mentions ?? []).map(userPayload),
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    flags: 0,
  };
}

/** Fields of an application-command interaction the tests choose. */
export interface InteractionFields {
  readonly applicationId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly user: FakeUser;
  /** `data` of the interaction (command name, type, options or target). */
  readonly data: Record<string, unknown>;
  /** Creation time; an old one gives an expired token. Default now. */
  readonly createdAt?: number;
}

/** INTERACTION_CREATE data (type 2, application command) with a fresh id and token. */
export function interactionPayload(
  f: InteractionFields,
): Record<string, unknown> & { id: string; token: string } {
  return {
    id: snowflake(f.createdAt),
    application_id: f.applicationId,
    type: 2,
    token: `itoken-${randomBytes(24).toString('hex')}`,
    version: 1,
    guild_id: f.guildId,
    channel_id: f.channelId,
    channel: { id: f.channelId, type: 0, guild_id: f.guildId, name: 'channel' },
    member: memberPayload(f.user),
    data: f.data,
    app_permissions: '2248473465835073',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': f.guildId },
    context: 0,
    attachment_size_limit: 10_485_760,
  };
}

/** `data` of `/classify` with the given options. */
export function slashData(options: {
  text: string;
  model?: string;
  private?: boolean;
}): Record<string, unknown> {
  return {
    id: snowflake(),
    name: 'classify',
    type: 1,
    options: [
      { name: 'text', type: 3, value: options.text },
      ...(options.model !== undefined ? [{ name: 'model', type: 3, value: options.model }] : []),
      ...(options.private !== undefined ? [{ name: 'private', type: 5, value: options.private }] : []),
    ],
  };
}

/** `data` of the "Classify message" context menu on `message`. */
export function messageCommandData(message: Record<string, unknown>): Record<string, unknown> {
  return {
    id: snowflake(),
    name: 'Classify message',
    type: 3,
    target_id: message.id,
    resolved: { messages: { [message.id as string]: message } },
  };
}
