import type { Caller } from './dashboard-env.js';
import { escapeHtml } from './escape-html.js';

/** The overview page's shell; `/assets/overview.js` fills it from `GET /api/overview`. */
export function overviewPage(caller: Caller, devMode: boolean): string {
  const banner = devMode
    ? `<div class="dev-banner" role="alert">Development mode: no credentials are configured, so anyone who can reach
this loopback address is an admin. Set DASHBOARD_USERS (or DASHBOARD_ADMIN_PASSWORD) before exposing it.</div>`
    : '';
  const logout =
    caller.via === 'session'
      ? `<form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value="${escapeHtml(caller.csrfToken ?? '')}"><button type="submit">Log out</button></form>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${escapeHtml(caller.csrfToken ?? '')}">
<meta name="role" content="${caller.role}">
<title>Overview · Switchboard dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/uplot.min.css">
<link rel="stylesheet" href="/assets/style.css">
<script type="module" src="/assets/overview.js"></script>
</head>
<body data-role="${caller.role}">
${banner}
<header class="top">
<h1>Switchboard</h1>
<nav><a href="/" aria-current="page">Overview</a><a href="/queues">Jobs</a></nav>
<span class="who">${escapeHtml(caller.user)} · <span class="role role-${caller.role}">${caller.role}</span></span>
${logout}
</header>
<main id="overview">
<p class="status-line"><span id="updated">Loading…</span> <span id="prefix"></span></p>
<div id="problems" class="problems" hidden></div>
<div id="action-message" class="action-message" role="status" hidden></div>

<section class="card wide">
<h2>Queues</h2>
<table class="queues"><thead><tr><th>Queue</th><th>State</th><th class="num">Waiting</th><th class="num">Active</th>
<th class="num">Delayed</th><th class="num">Failed</th><th class="num">Completed</th><th class="actions-col">Actions</th></tr></thead>
<tbody id="queue-rows"></tbody></table>
</section>

<section class="card">
<h2>Throughput <small>classify, jobs per minute, last hour</small></h2>
<div id="throughput-chart" class="chart"></div>
</section>
<section class="card">
<h2>Failure rate <small>failed ÷ finished per minute</small></h2>
<div id="failure-chart" class="chart"></div>
</section>

<section class="card">
<h2>Latency <small>ms</small></h2>
<table class="latency"><thead><tr><th></th><th class="num">p50</th><th class="num">p95</th><th class="num">p99</th></tr></thead>
<tbody id="latency-rows"></tbody></table>
<p class="note" id="latency-note"></p>
</section>
<section class="card">
<h2>Batch sizes <small>texts per onnxruntime run</small></h2>
<div id="batch-sizes"></div>
<p class="note" id="batch-note"></p>
</section>

<section class="card">
<h2>Volume by channel</h2>
<div id="volume-channel"></div>
</section>
<section class="card">
<h2>Volume by model</h2>
<div id="volume-model"></div>
</section>
<section class="card">
<h2>Labels by model</h2>
<div id="labels"></div>
</section>
<section class="card">
<h2>Recent failures</h2>
<div id="failures"></div>
</section>

<section class="card wide">
<h2>Workers online</h2>
<div id="workers"></div>
</section>
<section class="card wide">
<h2>Models <small>versions, where each is loaded, last reload, load errors</small></h2>
<div id="models"></div>
<div id="model-reloads"></div>
<div id="model-errors"></div>
</section>
<section class="card wide">
<h2>Redis</h2>
<dl id="redis" class="redis"></dl>
</section>
</main>
</body>
</html>`;
}
