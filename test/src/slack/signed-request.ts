import { createHmac } from 'node:crypto';

/** What the Slack app answered. */
export interface AppResponse {
  readonly status: number;
  readonly text: string;
  /** The body parsed as JSON, when it is JSON. */
  readonly json: Record<string, unknown> | undefined;
}

/** Options of {@link postSigned}. */
export interface SignOptions {
  /** Signing secret; a wrong one forges the signature. */
  readonly secret: string;
  /** `X-Slack-Request-Timestamp` in seconds. Default now. */
  readonly timestamp?: number;
  /** Extra headers (`X-Slack-Retry-Num`...). */
  readonly headers?: Record<string, string>;
}

/** Slack's request signature: `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{raw body}`). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Posts a body to the app as Slack does: signed, form-encoded or JSON. */
export async function postSigned(
  url: string,
  body: string,
  contentType: 'application/x-www-form-urlencoded' | 'application/json',
  options: SignOptions,
): Promise<AppResponse> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1_000);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(options.secret, timestamp, body),
      ...options.headers,
    },
    body,
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}
