import { expect } from 'vitest';
import { ModelLoadError } from '../errors.js';

/**
 * Asserts that `action` fails with a {@link ModelLoadError} whose `file` is `file` and whose
 * message names that file and matches `problem`. Returns the error for further checks.
 */
export async function expectLoadError(
  action: Promise<unknown>,
  file: string,
  problem: RegExp,
): Promise<ModelLoadError> {
  const err = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the load to fail').toBeInstanceOf(ModelLoadError);
  const loadError = err as ModelLoadError;
  expect(loadError.file).toBe(file);
  expect(loadError.code).toBe('model_load');
  expect(loadError.message).toContain(file);
  expect(loadError.message).toMatch(problem);
  return loadError;
}
