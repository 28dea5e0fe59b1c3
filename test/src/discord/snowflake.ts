/** Discord's epoch (2015-01-01T00:00:00Z), the zero of snowflake timestamps. */
const DISCORD_EPOCH = 1_420_070_400_000n;

let counter = 0n;

/**
 * A Discord id whose timestamp is `ms`. discord.js derives an interaction's creation time from its
 * id, so an id from 20 minutes ago makes an interaction whose token has expired.
 */
export function snowflake(ms: number = Date.now()): string {
  counter = (counter + 1n) % 4_096n;
  return (((BigInt(ms) - DISCORD_EPOCH) << 22n) | (1n << 17n) | counter).toString();
}
