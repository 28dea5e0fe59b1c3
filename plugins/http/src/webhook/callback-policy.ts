import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isInternalAddress } from './address-ranges.js';
import type { AllowedOrigins } from './allowed-origins.js';

/** Longest callback URL accepted. */
export const MAX_CALLBACK_URL_CHARS = 2_048;

/** One resolved address of a host. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to all its addresses (`dns.lookup` by default; tests give their own). */
export type HostResolver = (host: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver, as `fetch` and `http.request` would use it. */
export const systemResolver: HostResolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Why a callback URL is refused: a sentence for the person who sent it. */
export class CallbackRefusedError extends Error {
  /** True when the host did not resolve: that may pass, so a delivery retries it. */
  readonly transient: boolean;

  constructor(message: string, transient = false) {
    super(message);
    this.name = 'CallbackRefusedError';
    this.transient = transient;
  }
}

/**
 * Decides where callbacks may go (the SSRF guard). A URL must be http(s) with an allowed origin
 * (https unless an entry says http); its host is resolved and every address must be public, unless
 * an entry names that host exactly. {@link resolve} returns the checked address, and the sender
 * connects to that very address: resolving again at connect time would let a DNS answer change in
 * between (rebinding).
 */
export class CallbackPolicy {
  constructor(
    private readonly origins: AllowedOrigins,
    private readonly resolver: HostResolver = systemResolver,
  ) {}

  /** Parses and checks the URL without resolving it. @throws CallbackRefusedError */
  parse(raw: string): URL {
    if (raw.length > MAX_CALLBACK_URL_CHARS) {
      throw new CallbackRefusedError(`callback_url is longer than ${MAX_CALLBACK_URL_CHARS} characters.`);
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new CallbackRefusedError('callback_url is not a URL.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new CallbackRefusedError('callback_url must be an https:// URL.');
    }
    if (url.username || url.password) {
      throw new CallbackRefusedError(
        'callback_url may not carry credentials; deliveries are signed instead.',
      );
    }
    if (!this.origins.allows(url)) {
      throw new CallbackRefusedError(
        url.protocol === 'http:' && this.origins.open
          ? 'callback_url must use https:// (http is allowed only for origins listed in HTTP_WEBHOOK_ALLOWED_ORIGINS).'
          : `callback_url's origin ${url.origin} is not in the server's HTTP_WEBHOOK_ALLOWED_ORIGINS.`,
      );
    }
    return url;
  }

  /**
   * Resolves the URL's host and returns the address to connect to, refusing internal addresses
   * (unless the host is named exactly by an allowed origin). @throws CallbackRefusedError
   */
  async resolve(url: URL): Promise<ResolvedAddress> {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = isIP(host);
    let addresses: readonly ResolvedAddress[];
    if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
    else {
      try {
        addresses = await this.resolver(host);
      } catch {
        addresses = [];
      }
      if (addresses.length === 0)
        throw new CallbackRefusedError(`callback_url's host ${host} does not resolve.`, true);
    }
    if (this.origins.namesExactly(url)) return addresses[0]!;
    // Every address must be public: a host with one public and one internal address could
    // otherwise be steered to the internal one.
    const internal = addresses.find((a) => isInternalAddress(a.address));
    if (internal) {
      throw new CallbackRefusedError(
        `callback_url's host ${host} resolves to an internal address (${internal.address}); callbacks go to public addresses only, unless HTTP_WEBHOOK_ALLOWED_ORIGINS names the origin exactly.`,
      );
    }
    return addresses[0]!;
  }

  /** {@link parse} then {@link resolve}. @throws CallbackRefusedError */
  async check(raw: string): Promise<{ url: URL; address: ResolvedAddress }> {
    const url = this.parse(raw);
    return { url, address: await this.resolve(url) };
  }
}
