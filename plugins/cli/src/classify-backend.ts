import type { TextClassification } from '@switchboard/core';

/** What a backend returns for one call: a classification per text, in input order. */
export interface ClassifiedBatch {
  /** Model that answered. */
  readonly model: string;
  /** Its version (from `switchboard.json`), so results can be traced to a model build. */
  readonly version: string;
  /** One entry per input text, same order. */
  readonly results: readonly TextClassification[];
}

/**
 * Where `switchboard classify` gets its answers. The command only reads texts, calls
 * {@link ClassifyBackend.classify} and prints; running the model in this process is one backend,
 * and a Redis queue (`--queue`) or a Switchboard HTTP server (`--server URL`) would be others.
 */
export interface ClassifyBackend {
  /**
   * Fails early, before any input is read, when the model cannot be used (unknown name, broken
   * folder), so a person typing into stdin learns it first.
   */
  check(): Promise<void>;
  /** Classifies the texts with the backend's model. */
  classify(texts: readonly string[]): Promise<ClassifiedBatch>;
  /** Releases sessions or connections. Safe to call more than once. */
  close(): Promise<void>;
}
