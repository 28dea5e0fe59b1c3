import { escapeHtml } from './escape-html.js';

/** What the login page shows besides the form. */
export interface LoginPageOptions {
  /** Where to go after logging in (a path on this dashboard). */
  readonly next: string;
  /** Why the last attempt failed. */
  readonly error?: string;
  /** True when an admin token is configured: the form then explains how to use it. */
  readonly tokenLogin: boolean;
}

/** The login page: a plain HTML form (works without JavaScript). */
export function loginPage(options: LoginPageOptions): string {
  const error = options.error ? `<p class="login-error" role="alert">${escapeHtml(options.error)}</p>` : '';
  const tokenHint = options.tokenLogin
    ? '<p class="hint">With the admin token, leave the user name empty and paste the token as password.</p>'
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · Switchboard dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/style.css">
</head>
<body class="login-body">
<main class="login-card">
<h1>Switchboard dashboard</h1>
<p class="hint">Log in to see the queues and workers.</p>
${error}
<form method="post" action="/login">
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<label>User name <input name="user" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button>
</form>
${tokenHint}
</main>
</body>
</html>`;
}
