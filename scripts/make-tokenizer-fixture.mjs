#!/usr/bin/env node
// Cuts the bert-base-uncased WordPiece tokenizer down to the fixture the tests ship with
// (core/fixtures/bert-base-uncased-mini). Usage:
//   node scripts/make-tokenizer-fixture.mjs <folder with the full tokenizer.json> <out folder> [source files...]
// The fixture keeps every token the full tokenizer gives for the string literals of the source
// files (the tests' texts), so those texts tokenize exactly as with the full vocabulary, plus the
// specials, the ASCII characters (alone and as ## continuations) and the 500 commonest words.
// Ids are kept, so [CLS] is still 101 and an embedding sized for the full vocabulary still fits.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

// The native binding is a dependency of the core (its tests' oracle), not of the root.
const { Tokenizer } = createRequire(new URL('../core/package.json', import.meta.url))('tokenizers');

const [source, out, ...files] = process.argv.slice(2);
if (!source || !out) {
  console.error('usage: make-tokenizer-fixture.mjs <source folder> <out folder> [source files...]');
  process.exit(2);
}
const full = JSON.parse(readFileSync(join(source, 'tokenizer.json'), 'utf8'));
const config = JSON.parse(readFileSync(join(source, 'tokenizer_config.json'), 'utf8'));
const vocab = full.model.vocab;
const keep = new Set(full.added_tokens.map((t) => t.content));
for (let c = 0x21; c < 0x7f; c++) {
  const ch = String.fromCharCode(c).toLowerCase();
  keep.add(ch);
  keep.add(`##${ch}`);
}
for (const [token, id] of Object.entries(vocab)) if (id >= 1996 && id < 2496) keep.add(token);

// String literals without interpolation, evaluated so escapes mean what they mean in the test.
const literal = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\$]|\\.)*`/g;
const texts = [];
for (const file of files) {
  for (const m of readFileSync(file, 'utf8').matchAll(literal)) texts.push(new Function(`return ${m[0]}`)());
}
const tokenizer = Tokenizer.fromFile(join(source, 'tokenizer.json'));
for (const text of texts) for (const t of (await tokenizer.encode(text)).getTokens()) keep.add(t);

const small = Object.fromEntries(
  Object.entries(vocab)
    .filter(([token]) => keep.has(token))
    .sort((a, b) => a[1] - b[1]),
);
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'tokenizer.json'),
  `${JSON.stringify({ ...full, model: { ...full.model, vocab: small } })}\n`,
);
writeFileSync(join(out, 'tokenizer_config.json'), `${JSON.stringify(config, null, 2)}\n`);
console.log(
  `${Object.keys(small).length} of ${Object.keys(vocab).length} tokens kept from ${texts.length} texts`,
);
