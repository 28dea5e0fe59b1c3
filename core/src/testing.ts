/**
 * `@switchboard/core/testing`: helpers for tests of Switchboard's packages (temporary folders, the
 * reference tokenizer, assertions on load errors and classifications). Test code only: it imports
 * vitest, which production installs do not have.
 * @packageDocumentation
 */
export { expectSameClassifications, mixedLengthTexts } from './testing/compare-classifications.js';
export { expectLoadError } from './testing/expect-load-error.js';
export {
  BERT_FIXTURE_DIR,
  makeTempDir,
  REPO_ROOT,
  type TempDir,
} from './testing/test-model-folders.js';
