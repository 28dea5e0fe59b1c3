/** One entry of `HTTP_WEBHOOK_ALLOWED_ORIGINS`. */
interface OriginRule {
  readonly protocol: 'http:' | 'https:';
  /** Lower-case host; a leading `*.` matches any subdomain (not the bare domain). */
  readonly host: string;
  /** The port as written, or the scheme's default. */
  readonly port: string;
  readonly wildcard: boolean;
}

const DEFAULT_PORT = { 'http:': '80', 'https:': '443' } as const;

/** Host as the URL parser writes it (IPv6 in brackets), lower case. */
function hostOf(url: URL): string {
  return url.hostname.toLowerCase();
}

function portOf(url: URL): string {
  return url.port || DEFAULT_PORT[url.protocol as keyof typeof DEFAULT_PORT];
}

/**
 * The origins callbacks may go to (`HTTP_WEBHOOK_ALLOWED_ORIGINS`): comma-separated
 * `scheme://host[:port]`, with an optional `*.` wildcard before the host. An empty list allows any
 * https origin; http is allowed only where an entry says so.
 */
export class AllowedOrigins {
  private constructor(private readonly rules: readonly OriginRule[]) {}

  /** Parses the list. Throws an Error naming the entry that is not an origin. */
  static parse(spec: string): AllowedOrigins {
    const rules: OriginRule[] = [];
    for (const raw of spec.split(',').map((e) => e.trim())) {
      if (!raw) continue;
      const wildcard = /^https?:\/\/\*\./i.test(raw);
      let url: URL;
      try {
        url = new URL(wildcard ? raw.replace('*.', 'wildcard-placeholder.') : raw);
      } catch {
        throw new Error(
          `HTTP_WEBHOOK_ALLOWED_ORIGINS: "${raw}" is not an origin like https://hooks.example.com`,
        );
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`HTTP_WEBHOOK_ALLOWED_ORIGINS: "${raw}" must start with http:// or https://`);
      }
      if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
        throw new Error(
          `HTTP_WEBHOOK_ALLOWED_ORIGINS: "${raw}" must be an origin only (scheme, host, port), without path or credentials`,
        );
      }
      const host = hostOf(url);
      rules.push({
        protocol: url.protocol,
        host: wildcard ? host.slice('wildcard-placeholder.'.length) : host,
        port: portOf(url),
        wildcard,
      });
    }
    return new AllowedOrigins(rules);
  }

  /** Whether no list was configured (any https origin then). */
  get open(): boolean {
    return this.rules.length === 0;
  }

  /** Whether `url`'s origin is allowed. */
  allows(url: URL): boolean {
    if (this.open) return url.protocol === 'https:';
    return this.rules.some((r) => this.matches(r, url));
  }

  /**
   * Whether an entry names `url`'s host exactly (no wildcard), scheme and port included: only then
   * may the host be, or resolve to, an internal address.
   */
  namesExactly(url: URL): boolean {
    return this.rules.some((r) => !r.wildcard && this.matches(r, url));
  }

  private matches(rule: OriginRule, url: URL): boolean {
    if (rule.protocol !== url.protocol || rule.port !== portOf(url)) return false;
    const host = hostOf(url);
    return rule.wildcard ? host.endsWith(`.${rule.host}`) : host === rule.host;
  }
}
