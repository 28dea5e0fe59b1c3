/**
 * One raw onnxruntime process of the perf bench: loads a model folder (`RAW_MODEL_DIR`) with
 * `RAW_THREADS` intra-op threads, and on request runs pre-encoded batches for a while and reports
 * texts per second. No queue, no batcher, no tokenizer in the timed loop: the ceiling.
 */
import { performance } from 'node:perf_hooks';
import { type EncodedText, readModelFolder } from '@switchboard/core';
import { OnnxClassifier } from '@switchboard/core/inference';
import type { RawReply, RawRequest } from './raw-ort-messages.js';

const classifier = await OnnxClassifier.load(await readModelFolder(process.env.RAW_MODEL_DIR!), {
  intraOpThreads: Number(process.env.RAW_THREADS ?? 1),
});
let encoded: EncodedText[] = [];
let cursor = 0;

function reply(message: RawReply): void {
  process.send?.(message);
}

function nextBatch(size: number): EncodedText[] {
  const batch: EncodedText[] = [];
  for (let i = 0; i < size; i++) batch.push(encoded[cursor++ % encoded.length]!);
  return batch;
}

process.on('message', async (message: RawRequest) => {
  if (message.type === 'texts') {
    const start = performance.now();
    encoded = classifier.encode(message.texts);
    const seconds = (performance.now() - start) / 1000;
    const ids = encoded.reduce((sum, e) => sum + e.ids.length, 0);
    reply({
      type: 'encoded',
      idsPerText: ids / encoded.length,
      encodeTextsPerSecond: encoded.length / seconds,
    });
  } else if (message.type === 'step') {
    for (let i = 0; i < message.warmRuns; i++) await classifier.run(nextBatch(message.batch));
    const runMs: number[] = [];
    const cpu = process.cpuUsage();
    const start = performance.now();
    let texts = 0;
    // At least `minRuns`, so one slow batch of 64 is not the whole figure.
    while (performance.now() - start < message.seconds * 1000 || runMs.length < message.minRuns) {
      const t0 = performance.now();
      await classifier.run(nextBatch(message.batch));
      runMs.push(performance.now() - t0);
      texts += message.batch;
    }
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    reply({ type: 'step', texts, seconds, runMs, cpuMs: (used.user + used.system) / 1000 });
  } else if (message.type === 'close') {
    await classifier.close();
    process.exit(0);
  }
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(0));
reply({ type: 'ready', pid: process.pid });
