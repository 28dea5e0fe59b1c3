/**
 * Errors that reach a person. Each carries a stable `code` so that channels (HTTP status, Slack
 * message, CLI exit code) can react to the kind of failure without parsing messages.
 */
export type SwitchboardErrorCode =
  | 'model_load'
  | 'unknown_model'
  | 'invalid_input'
  | 'inference_failed'
  | 'queue_unavailable'
  | 'timeout'
  | 'not_found';

/** Base class of every error Switchboard raises on purpose; `message` is written for a person. */
export class SwitchboardError extends Error {
  /** Machine-readable kind of failure. */
  readonly code: SwitchboardErrorCode;

  constructor(code: SwitchboardErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A model folder that cannot be used; names the file and what is wrong with it. */
export class ModelLoadError extends SwitchboardError {
  /** Path of the file (or folder) at fault. */
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('model_load', `${file}: ${problem}`, options);
    this.file = file;
  }
}

/** A request named a model the repository does not hold. */
export class UnknownModelError extends SwitchboardError {
  /** The model asked for. */
  readonly model: string;
  /** The models that do exist, so the message can offer them. */
  readonly available: readonly string[];

  constructor(model: string, available: readonly string[]) {
    const list = available.length > 0 ? available.join(', ') : 'none';
    super('unknown_model', `Unknown model "${model}". Available models: ${list}.`);
    this.model = model;
    this.available = available;
  }
}

/** Input that breaks a documented limit (empty, too long, too many texts...). */
export class InputError extends SwitchboardError {
  /** The request field at fault, when there is one. */
  readonly field: string | undefined;

  constructor(message: string, field?: string) {
    super('invalid_input', message);
    this.field = field;
  }
}
