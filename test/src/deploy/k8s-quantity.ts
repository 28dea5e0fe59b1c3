const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/**
 * A Kubernetes resource quantity (`500m`, `2`, `384Mi`, `1G`) as a plain number.
 * @throws Error for anything else, naming the value
 */
export function parseQuantity(value: unknown): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|m|k|M|G|T)?$/.exec(String(value));
  if (!match) throw new Error(`"${String(value)}" is not a Kubernetes quantity`);
  const unit = match[2] ?? '';
  return Number(match[1]) * (BINARY[unit] ?? DECIMAL[unit]!);
}
