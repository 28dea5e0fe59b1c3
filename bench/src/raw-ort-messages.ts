/** What the perf bench asks a raw onnxruntime process. */
export type RawRequest =
  | { readonly type: 'texts'; readonly texts: readonly string[] }
  | {
      readonly type: 'step';
      readonly batch: number;
      readonly seconds: number;
      readonly minRuns: number;
      readonly warmRuns: number;
    }
  | { readonly type: 'close' };

/** What a raw onnxruntime process answers. */
export type RawReply =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'encoded'; readonly idsPerText: number; readonly encodeTextsPerSecond: number }
  | {
      readonly type: 'step';
      readonly texts: number;
      readonly seconds: number;
      readonly runMs: number[];
      /** CPU time the process used during the step (all its threads), ms. */
      readonly cpuMs: number;
    };
