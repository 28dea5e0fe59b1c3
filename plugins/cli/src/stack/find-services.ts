import { type FoundService, findServices as findDeclared, missingRequirement } from '@switchboard/core';

export { type FoundService, missingRequirement };

/**
 * Every service the workspace declares in a `switchboard.service` block, checked, in start order.
 * The stack learns about channels this way instead of importing them: plugins never depend on each
 * other, not even through the CLI.
 * @throws Error naming the package.json of an invalid block
 */
export function findServices(root: string): FoundService[] {
  return findDeclared(root);
}

/**
 * The declared service called `name`.
 * @throws Error listing the declared services when none is called so
 */
export function findService(root: string, name: string): FoundService {
  const services = findServices(root);
  const service = services.find((s) => s.name === name);
  if (!service)
    throw new UnknownServiceError(
      `unknown service "${name}". Declared services: ${services.map((s) => s.name).join(', ')}.`,
    );
  return service;
}

/** A service name no package declares. */
export class UnknownServiceError extends Error {
  override readonly name = 'UnknownServiceError';
}
