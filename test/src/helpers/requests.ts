import { randomBytes } from 'node:crypto';
import { type ClassifyRequest, type ClassifyRequestInput, newClassifyRequest } from '@switchboard/core';

/** A request id no other test uses. */
export function uniqueRequestId(tag = 'r'): string {
  return `${tag}-${randomBytes(6).toString('hex')}`;
}

/** A valid request for `model` with a fresh id, from channel `test`, unless overridden. */
export function testRequest(
  model: string,
  texts: readonly string[],
  overrides: Partial<ClassifyRequestInput> = {},
): ClassifyRequest {
  return newClassifyRequest({
    id: uniqueRequestId(),
    model,
    texts: [...texts],
    channel: 'test',
    requester: { id: 'test-user' },
    ...overrides,
  });
}
