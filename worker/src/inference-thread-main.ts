import { parentPort, workerData } from 'node:worker_threads';
import { OnnxClassifier } from '@switchboard/core/inference';
import {
  type InferenceReply,
  type InferenceRequest,
  type InferenceThreadData,
  toWire,
} from './inference-protocol.js';

// The inference thread: owns every onnxruntime session of its worker process. onnxruntime-node
// runs a session synchronously on the calling thread, so running it here keeps the process's main
// thread free to fetch jobs, complete them and form the next batch while a run is in flight.

const port = parentPort;
if (!port) throw new Error('inference-thread-main.js must run as a worker thread');
const { options } = workerData as InferenceThreadData;
const classifiers = new Map<string, Promise<OnnxClassifier>>();

port.on('message', (request: InferenceRequest) => {
  if (request.type === 'close') {
    void closeAll();
    return;
  }
  void handle(request).then(
    (reply) => port.postMessage(reply),
    (err: unknown) => port.postMessage({ id: request.id, ok: false, error: toWire(err) }),
  );
});

// Messages are handled between runs, never during one (a run holds this thread), so releasing the
// sessions here cannot pull one out from under onnxruntime; the thread then ends on its own.
async function closeAll(): Promise<void> {
  const all = [...classifiers.values()];
  classifiers.clear();
  const settled = await Promise.allSettled(all);
  await Promise.allSettled(settled.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
  port?.close();
}

async function handle(request: Exclude<InferenceRequest, { type: 'close' }>): Promise<InferenceReply> {
  if (request.type === 'load') {
    const { manifest, key } = request;
    let loading = classifiers.get(key);
    if (!loading) {
      loading = OnnxClassifier.load(manifest, options);
      classifiers.set(key, loading);
      // A failed load is not kept: the folder may be fixed while the process runs.
      loading.catch(() => classifiers.delete(key));
    }
    await loading;
    return { id: request.id, ok: true };
  }
  if (request.type === 'unload') {
    const unloading = classifiers.get(request.model);
    classifiers.delete(request.model);
    await (await unloading)?.close();
    return { id: request.id, ok: true };
  }
  const classifier = classifiers.get(request.model);
  if (!classifier) throw new Error(`model ${request.model} is not loaded in the inference thread`);
  const results = await (await classifier).run(request.batch);
  return { id: request.id, ok: true, results };
}
