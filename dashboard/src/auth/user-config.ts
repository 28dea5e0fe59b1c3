/** What a signed-in person may do: viewers see everything, admins also act on queues and jobs. */
export type Role = 'admin' | 'viewer';

/** One configured credential, with its password still in clear (hashed right after parsing). */
export interface ConfiguredUser {
  readonly name: string;
  readonly password: string;
  readonly role: Role;
}

/** The credentials a dashboard accepts, as read from its environment. */
export interface CredentialConfig {
  readonly users: readonly ConfiguredUser[];
  /** An admin token for scripts (`Authorization: Bearer`) and for the login form (empty user name). */
  readonly token?: string;
}

/** Shortest password or token accepted: a short one is guessed by anyone who can reach the page. */
export const MIN_SECRET_LENGTH = 8;

/**
 * Reads `DASHBOARD_USERS` (`name:password:role,...`), `DASHBOARD_ADMIN_PASSWORD` (user `admin`),
 * `DASHBOARD_VIEWER_PASSWORD` (user `viewer`) and `DASHBOARD_TOKEN`. Error messages name the
 * variable and the entry's position, never the password.
 * @throws Error when an entry is malformed, a role unknown, a name repeated or a secret too short
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): CredentialConfig {
  const users: ConfiguredUser[] = [];
  const list = env.DASHBOARD_USERS?.trim();
  if (list) {
    list.split(',').forEach((entry, i) => {
      const trimmed = entry.trim();
      if (!trimmed) return;
      const first = trimmed.indexOf(':');
      const last = trimmed.lastIndexOf(':');
      if (first <= 0 || last === first) {
        throw new Error(
          `DASHBOARD_USERS: entry ${i + 1} is not "name:password:role" (role is admin or viewer).`,
        );
      }
      // Passwords may contain ':'; the name cannot and the role is the last field.
      const name = trimmed.slice(0, first);
      const password = trimmed.slice(first + 1, last);
      const role = trimmed.slice(last + 1);
      if (role !== 'admin' && role !== 'viewer') {
        throw new Error(`DASHBOARD_USERS: entry ${i + 1} (${name}) has role "${role}"; use admin or viewer.`);
      }
      users.push({ name, password, role });
    });
  }
  if (env.DASHBOARD_ADMIN_PASSWORD)
    users.push({ name: 'admin', password: env.DASHBOARD_ADMIN_PASSWORD, role: 'admin' });
  if (env.DASHBOARD_VIEWER_PASSWORD)
    users.push({ name: 'viewer', password: env.DASHBOARD_VIEWER_PASSWORD, role: 'viewer' });

  const seen = new Set<string>();
  for (const user of users) {
    if (seen.has(user.name)) {
      throw new Error(
        `Dashboard user "${user.name}" is configured twice (DASHBOARD_USERS, DASHBOARD_ADMIN_PASSWORD or DASHBOARD_VIEWER_PASSWORD); keep one.`,
      );
    }
    seen.add(user.name);
    if (user.password.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `The password of dashboard user "${user.name}" is shorter than ${MIN_SECRET_LENGTH} characters; choose a longer one.`,
      );
    }
  }
  const token = env.DASHBOARD_TOKEN?.trim() || undefined;
  if (token !== undefined && token.length < MIN_SECRET_LENGTH) {
    throw new Error(`DASHBOARD_TOKEN is shorter than ${MIN_SECRET_LENGTH} characters; choose a longer one.`);
  }
  return token === undefined ? { users } : { users, token };
}

/** True when no way to log in is configured. */
export function hasNoCredentials(config: CredentialConfig): boolean {
  return config.users.length === 0 && config.token === undefined;
}
