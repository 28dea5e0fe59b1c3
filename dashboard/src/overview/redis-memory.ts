/** The `INFO memory` fields an operator looks at. */
export interface RedisMemory {
  readonly usedBytes: number | null;
  readonly usedHuman: string | null;
  readonly peakHuman: string | null;
  /** 0 means no limit. */
  readonly maxBytes: number | null;
  readonly maxPolicy: string | null;
  readonly fragmentationRatio: number | null;
}

/** Parses the `key:value` lines of Redis `INFO` output. */
export function parseRedisInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1);
  }
  return fields;
}

/** Picks the memory figures out of `INFO memory`. */
export function redisMemory(info: string): RedisMemory {
  const f = parseRedisInfo(info);
  const n = (key: string) => (f[key] === undefined || Number.isNaN(Number(f[key])) ? null : Number(f[key]));
  return {
    usedBytes: n('used_memory'),
    usedHuman: f.used_memory_human ?? null,
    peakHuman: f.used_memory_peak_human ?? null,
    maxBytes: n('maxmemory'),
    maxPolicy: f.maxmemory_policy ?? null,
    fragmentationRatio: n('mem_fragmentation_ratio'),
  };
}
