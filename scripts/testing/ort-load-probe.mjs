// Preloaded (`node --import`) into a process under test: reports at exit whether onnxruntime-node was
// loaded. It is CommonJS, so it lands in require.cache even when imported from ESM. Tests use it to
// check that processes which only enqueue (CLI `models`, dashboard) never load onnxruntime.
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const loaded = Object.keys(cache).some((k) => k.includes('onnxruntime-node'));
  process.stderr.write(`onnxruntime loaded: ${loaded}\n`);
});
