import {
  AuthError,
  InvalidInputError,
  NotFoundError,
  RateLimitError,
  SwitchboardHttpError,
  TimeoutError,
  UnavailableError,
} from '@switchboard/client';
import { type Settings, SettingsError } from './settings.js';

/** The buttons an error message can offer, by what they do. */
export const BUTTONS = {
  retry: 'Retry',
  openSettings: 'Open Settings',
  setApiKey: 'Set API Key',
  chooseModel: 'Choose Model',
  showLog: 'Show Log',
} as const;

/** One button of an error message and what pressing it does. */
export type AdviceAction =
  | { readonly kind: 'retry' }
  | { readonly kind: 'openSettings'; readonly setting: string }
  | { readonly kind: 'setApiKey' }
  | { readonly kind: 'chooseModel' }
  | { readonly kind: 'showLog' };

/** What to tell a person about a failure, and the buttons that fix it. */
export interface Advice {
  readonly severity: 'error' | 'warning';
  /** What went wrong and what to do, in one or two sentences. */
  readonly message: string;
  readonly actions: readonly AdviceAction[];
  /** How long the server asked to wait before a retry, in ms, when it said. */
  readonly retryAfterMs?: number | undefined;
}

/** What the request that failed was about. */
export interface AdviceContext {
  readonly settings: Settings;
  /** Whether an API key was sent. */
  readonly hadApiKey: boolean;
  /** `classify` for Classify Selection, `models` for listing the models. */
  readonly request: 'classify' | 'models';
}

const RETRY = { kind: 'retry' } as const;
const SHOW_LOG = { kind: 'showLog' } as const;
const openSettings = (setting: string) => ({ kind: 'openSettings', setting }) as const;

/** The title of an action's button. */
export function buttonTitle(action: AdviceAction): string {
  return BUTTONS[action.kind];
}

/** Ends a server sentence with a full stop, so messages can go on after it. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** The server names fields of its JSON body (`inputs[2]`); a person knows them as selections. */
function inSelectionTerms(message: string): string {
  return message
    .replace(/\binputs\[(\d+)\]/g, (_, i: string) => `selection ${Number(i) + 1}`)
    .replace(/\binputs\b/g, 'the list of selections');
}

/** Turns any error of a request into the message and buttons a person sees. */
export function adviceFor(err: unknown, context: AdviceContext): Advice {
  const { settings } = context;
  const server = settings.serverUrl;
  if (err instanceof SettingsError) {
    return {
      severity: 'error',
      message: `Switchboard: ${err.message}`,
      actions: [openSettings(err.setting)],
    };
  }
  if (err instanceof AuthError) {
    const message = context.hadApiKey
      ? `Switchboard: the server at ${server} rejected the stored API key. Set the key you were given (the server's keys are in its HTTP_API_KEYS).`
      : `Switchboard: the server at ${server} needs an API key and none is set. Set the key you were given (the server's keys are in its HTTP_API_KEYS).`;
    return { severity: 'error', message, actions: [{ kind: 'setApiKey' }] };
  }
  if (err instanceof NotFoundError) {
    if (err.code === 'unknown_model') {
      return {
        severity: 'error',
        message: `Switchboard: ${sentence(err.message)} Choose one of the server's models.`,
        actions: [{ kind: 'chooseModel' }],
      };
    }
    return {
      severity: 'error',
      message: `Switchboard: ${server} answered 404 (${sentence(err.message)}) Is switchboard.serverUrl the address of a Switchboard API?`,
      actions: [openSettings('switchboard.serverUrl')],
    };
  }
  if (err instanceof RateLimitError) {
    const wait =
      err.retryAfterMs === undefined
        ? 'Wait a moment, then retry.'
        : `Retry waits the ${Math.ceil(err.retryAfterMs / 1_000)} s the server asked for.`;
    return {
      severity: 'warning',
      message: `Switchboard: the server is busy: ${sentence(err.message)} ${wait}`,
      actions: [RETRY],
      retryAfterMs: err.retryAfterMs,
    };
  }
  if (err instanceof UnavailableError) {
    const message =
      err.status === 0
        ? `Switchboard: ${sentence(err.message)} Start the server (switchboard start) or correct switchboard.serverUrl, then retry.`
        : `Switchboard: the server at ${server} cannot classify right now: ${sentence(err.message)} Retry in a moment; if it persists, its Redis or workers need attention.`;
    return {
      severity: 'error',
      message,
      actions: [RETRY, openSettings('switchboard.serverUrl')],
      retryAfterMs: err.retryAfterMs,
    };
  }
  if (err instanceof TimeoutError) {
    const seconds = Math.round(settings.timeoutMs / 100) / 10;
    const job = err.jobId ? ` Job ${err.jobId} may still finish.` : '';
    return {
      severity: 'error',
      message: `Switchboard: no answer within ${seconds} s (switchboard.timeoutMs).${job} The server's workers may be busy or stopped: retry, or raise the timeout.`,
      actions: [RETRY, openSettings('switchboard.timeoutMs')],
    };
  }
  if (err instanceof InvalidInputError) {
    const detail = sentence(inSelectionTerms(err.message));
    const message =
      err.status === 413
        ? `Switchboard: too much text for the server: ${detail} Select less and try again.`
        : `Switchboard: the server refused the text: ${detail}`;
    return { severity: 'error', message, actions: [] };
  }
  if (err instanceof SwitchboardHttpError) {
    const status = err.status === 0 ? err.code : `HTTP ${err.status}, ${err.code}`;
    return {
      severity: 'error',
      message: `Switchboard: the server failed (${status}): ${sentence(err.message)} Retry, or look at the server's log.`,
      actions: [RETRY, SHOW_LOG],
    };
  }
  const text = err instanceof Error ? err.message : String(err);
  return {
    severity: 'error',
    message: `Switchboard: unexpected error: ${sentence(text)} The log has the details.`,
    actions: [SHOW_LOG],
  };
}
