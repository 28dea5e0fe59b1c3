import { randomBytes } from 'node:crypto';
import { FAKE_BOT } from './fake-slack.js';

/** A fresh Slack-looking id with a prefix (`T`, `U`, `C`, `Ev`...). */
export function slackId(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;
}

/** The form fields of a slash command, as Slack posts them. */
export interface CommandFields {
  readonly text: string;
  readonly response_url: string;
  readonly trigger_id?: string;
  readonly user_id?: string;
  readonly channel_id?: string;
  readonly command?: string;
}

/** A `/classify` invocation, form-encoded; returns the body and the ids it used. */
export function commandBody(fields: CommandFields): { body: string; trigger_id: string; user_id: string } {
  const trigger_id = fields.trigger_id ?? `${Date.now()}.${slackId('')}`;
  const user_id = fields.user_id ?? slackId('U');
  const form = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: FAKE_BOT.team_id,
    team_domain: 'test',
    channel_id: fields.channel_id ?? 'C0GENERAL',
    channel_name: 'general',
    user_id,
    user_name: 'ann',
    command: fields.command ?? '/classify',
    text: fields.text,
    api_app_id: 'A0APP',
    is_enterprise_install: 'false',
    response_url: fields.response_url,
    trigger_id,
  });
  return { body: form.toString(), trigger_id, user_id };
}

/** An `app_mention` event in Slack's Events API envelope, JSON-encoded. */
export function mentionBody(options: {
  text: string;
  event_id?: string;
  channel?: string;
  user?: string;
  ts?: string;
  thread_ts?: string;
}): { body: string; event_id: string; ts: string; channel: string; user: string } {
  const event_id = options.event_id ?? slackId('Ev');
  const ts = options.ts ?? `${Math.floor(Date.now() / 1_000)}.${randomBytes(3).readUIntBE(0, 3)}`;
  const channel = options.channel ?? 'C0GENERAL';
  const user = options.user ?? slackId('U');
  const envelope = {
    token: 'deprecated-verification-token',
    team_id: FAKE_BOT.team_id,
    api_app_id: 'A0APP',
    type: 'event_callback',
    event_id,
    event_time: Math.floor(Date.now() / 1_000),
    event: {
      type: 'app_mention',
      user,
      text: `<@${FAKE_BOT.user_id}> ${options.text}`,
      ts,
      ...(options.thread_ts ? { thread_ts: options.thread_ts } : {}),
      channel,
      event_ts: ts,
      client_msg_id: randomBytes(8).toString('hex'),
    },
    authorizations: [
      { team_id: FAKE_BOT.team_id, user_id: FAKE_BOT.user_id, is_bot: true, enterprise_id: null },
    ],
  };
  return { body: JSON.stringify(envelope), event_id, ts, channel, user };
}

/** A "Classify message" shortcut on a message, form-encoded as `payload=<json>`. */
export function shortcutBody(options: {
  text: string;
  response_url: string;
  callback_id?: string;
  message_ts?: string;
  thread_ts?: string;
  user?: string;
  channel?: string;
}): { body: string; trigger_id: string; message_ts: string; user: string; channel: string } {
  const trigger_id = `${Date.now()}.${slackId('')}`;
  const message_ts = options.message_ts ?? `${Math.floor(Date.now() / 1_000)}.000300`;
  const user = options.user ?? slackId('U');
  const channel = options.channel ?? 'C0GENERAL';
  const payload = {
    type: 'message_action',
    token: 'deprecated-verification-token',
    action_ts: `${Date.now() / 1_000}`,
    team: { id: FAKE_BOT.team_id, domain: 'test' },
    user: { id: user, name: 'ann', team_id: FAKE_BOT.team_id },
    channel: { id: channel, name: 'general' },
    callback_id: options.callback_id ?? 'classify_message',
    trigger_id,
    message_ts,
    response_url: options.response_url,
    message: {
      type: 'message',
      user: slackId('U'),
      text: options.text,
      ts: message_ts,
      ...(options.thread_ts ? { thread_ts: options.thread_ts } : {}),
    },
  };
  return {
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    trigger_id,
    message_ts,
    user,
    channel,
  };
}
