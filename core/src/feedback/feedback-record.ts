/** Where an answer was given, as its channel names it (e.g. `{ key: "ci" }` for an HTTP key). */
export type FeedbackScope = Readonly<Record<string, string>>;

/** One person's verdict on one answer: what the feedback store keeps. */
export interface FeedbackRecord {
  /** The classification job the answer came from. */
  readonly jobId: string;
  /** Which of the job's texts was rated (0 for single-text answers). */
  readonly textIndex: number;
  /** The channel that showed the answer (`http`, `slack`, ...). */
  readonly channel: string;
  readonly scope: FeedbackScope;
  /** Model name and version that answered. */
  readonly model: string;
  readonly version: string;
  /** The label the model gave, with its score. */
  readonly predicted: { readonly label: string; readonly score: number };
  /** The label the person says is right. */
  readonly label: string;
  /** Milliseconds since the epoch when the feedback was given. */
  readonly at: number;
  /** Salted hash of the person: the raw platform id is never stored. */
  readonly person: string;
  /** The rated text, unless the channel keeps no text. */
  readonly text?: string;
}

/** Whether the person agreed with the model. */
export function isAgreement(record: Pick<FeedbackRecord, 'label' | 'predicted'>): boolean {
  return record.label === record.predicted.label;
}
