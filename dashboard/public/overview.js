// The overview page: polls GET /api/overview every 2 s and redraws in place. Admin buttons call
// the dashboard's JSON API with the session's CSRF token. Every value from the server goes into
// the page as text (never as HTML).
import uPlot from './uplot.esm.js';

const POLL_MS = 2_000;
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
const isAdmin = document.body.dataset.role === 'admin';
const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'];
const COLORS = { completed: '#2e7d32', failed: '#c62828', rate: '#b26a00' };

/** Creates an element with attributes and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);
const fmtInt = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'));
const fmtMs = (ms) => {
  if (ms === null || ms === undefined) return '–';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 1_000) return ms.toFixed(1);
  return Math.round(ms).toLocaleString('en-US');
};
const fmtTime = (t) => (t ? new Date(t).toLocaleTimeString('en-GB') : '–');
function fmtAgo(t, now) {
  if (!t) return '–';
  const s = Math.max(0, Math.round((now - t) / 1_000));
  if (s < 60) return `${s} s ago`;
  if (s < 3_600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3_600)} h ${Math.floor((s % 3_600) / 60)} min ago`;
}

/** Shows a short message about the last action (or its failure). */
function say(text, isError = false) {
  const box = $('action-message');
  box.textContent = text;
  box.classList.toggle('error', isError);
  box.hidden = false;
}

/** Calls an admin action; the server checks the role and the CSRF token again. */
async function act(path, label) {
  try {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'X-CSRF-Token': csrfToken, 'Content-Type': 'application/json' },
      body: '{}',
      credentials: 'same-origin',
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      say(`${label} failed: ${body.message ?? `HTTP ${res.status}`}`, true);
      return;
    }
    const jobs = body.jobs === undefined ? '' : ` (${body.jobs} job${body.jobs === 1 ? '' : 's'})`;
    say(`${label}: done${jobs}.`);
    await poll();
  } catch (err) {
    say(`${label} failed: ${err.message}`, true);
  }
}

// ---- queues -------------------------------------------------------------------------------

const queueRows = new Map();

function queueRow(name) {
  let row = queueRows.get(name);
  if (row) return row;
  const q = encodeURIComponent(name);
  const cells = Object.fromEntries(
    STATES.map((s) => [s, el('td', { class: `num count-${s}`, dataset: { count: s } })]),
  );
  const state = el('td', { class: 'queue-state' });
  const pauseButton = el('button', { type: 'button', class: 'act', dataset: { action: 'pause' } }, 'Pause');
  const actions = el(
    'td',
    { class: 'actions' },
    el('a', { href: `/queues/queue/${q}`, class: 'act link' }, 'Jobs'),
    isAdmin && [
      pauseButton,
      el(
        'button',
        {
          type: 'button',
          class: 'act',
          dataset: { action: 'retry-failed' },
          onclick: () => act(`/api/queues/${q}/retry-failed`, `Retry failed jobs of ${name}`),
        },
        'Retry failed',
      ),
      el(
        'button',
        {
          type: 'button',
          class: 'act danger',
          dataset: { action: 'clean-completed' },
          onclick: () => {
            if (
              window.confirm(`Delete every completed job of ${name}? Their results can no longer be fetched.`)
            ) {
              act(`/api/queues/${q}/clean-completed`, `Clean completed jobs of ${name}`);
            }
          },
        },
        'Clean completed',
      ),
    ],
  );
  pauseButton.addEventListener('click', () => {
    const resume = pauseButton.dataset.action === 'resume';
    act(`/api/queues/${q}/${resume ? 'resume' : 'pause'}`, `${resume ? 'Resume' : 'Pause'} ${name}`);
  });
  const tr = el(
    'tr',
    { dataset: { queue: name } },
    el('th', { scope: 'row' }, name),
    state,
    STATES.map((s) => cells[s]),
    actions,
  );
  row = { tr, cells, state, pauseButton };
  queueRows.set(name, row);
  return row;
}

function renderQueues(queues) {
  const body = $('queue-rows');
  const names = new Set(queues.map((q) => q.name));
  for (const [name, row] of queueRows) {
    if (!names.has(name)) {
      row.tr.remove();
      queueRows.delete(name);
    }
  }
  for (const q of queues) {
    const row = queueRow(q.name);
    for (const s of STATES) row.cells[s].textContent = fmtInt(q.counts[s]);
    row.cells.failed.classList.toggle('alert', q.counts.failed > 0);
    row.state.textContent = q.paused ? 'paused' : 'running';
    row.state.className = `queue-state ${q.paused ? 'paused' : 'running'}`;
    row.pauseButton.textContent = q.paused ? 'Resume' : 'Pause';
    row.pauseButton.dataset.action = q.paused ? 'resume' : 'pause';
    body.append(row.tr);
  }
  if (queues.length === 0 && !body.querySelector('.empty')) {
    body.append(el('tr', { class: 'empty' }, el('td', { colspan: 8 }, 'No queue could be read.')));
  } else if (queues.length > 0) {
    body.querySelector('.empty')?.remove();
  }
}

// ---- charts -------------------------------------------------------------------------------

const charts = {};

function chartWidth(container) {
  return Math.max(280, container.clientWidth - 8);
}

function lineChart(id, series, yLabel, yRange) {
  const container = $(id);
  const opts = {
    width: chartWidth(container),
    height: 190,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true },
      y: yRange ? { range: yRange } : { range: (_u, _min, max) => [0, Math.max(1, max)] },
    },
    axes: [
      { stroke: '#566', grid: { stroke: '#eef0f3' } },
      { label: yLabel, stroke: '#566', grid: { stroke: '#eef0f3' } },
    ],
    series: [{}, ...series],
  };
  const chart = new uPlot(opts, [[], ...series.map(() => [])], container);
  charts[id] = chart;
  return chart;
}

function renderCharts(throughput) {
  if (!throughput) return;
  const throughputChart =
    charts['throughput-chart'] ??
    lineChart(
      'throughput-chart',
      [
        { label: 'completed', stroke: COLORS.completed, width: 2, fill: 'rgba(46,125,50,0.08)' },
        { label: 'failed', stroke: COLORS.failed, width: 2 },
      ],
      'jobs / min',
    );
  throughputChart.setData([throughput.minutes, throughput.completed, throughput.failed]);
  const failureChart =
    charts['failure-chart'] ??
    lineChart(
      'failure-chart',
      [
        {
          label: 'failure rate %',
          stroke: COLORS.rate,
          width: 2,
          spanGaps: false,
          points: { show: true, size: 4 },
        },
      ],
      '%',
      [0, 100],
    );
  failureChart.setData([
    throughput.minutes,
    throughput.failureRate.map((r) => (r === null ? null : r * 100)),
  ]);
}

window.addEventListener('resize', () => {
  for (const [id, chart] of Object.entries(charts)) chart.setSize({ width: chartWidth($(id)), height: 190 });
});

// ---- tables and bars ----------------------------------------------------------------------

function table(headers, rows, numeric = []) {
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((h, i) => el('th', { class: numeric.includes(i) ? 'num' : undefined }, h)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((cells) =>
        el(
          'tr',
          {},
          cells.map((c, i) => el('td', { class: numeric.includes(i) ? 'num' : undefined }, c)),
        ),
      ),
    ),
  );
}

/** Horizontal bars: [label, value, extra text] rows scaled to the largest value. */
function bars(rows, testid) {
  const max = Math.max(1, ...rows.map((r) => r[1]));
  return el(
    'div',
    { class: 'bars', dataset: testid ? { testid } : undefined },
    rows.map(([label, value, extra]) => {
      const fill = el('span', { class: 'bar-fill' });
      fill.style.width = `${(value / max) * 100}%`;
      return el(
        'div',
        { class: 'bar-row', dataset: { label: String(label) } },
        el('span', { class: 'bar-label' }, label),
        el('span', { class: 'bar-track' }, fill),
        el('span', { class: 'bar-value' }, extra ?? fmtInt(value)),
      );
    }),
  );
}

const empty = (text) => el('p', { class: 'empty' }, text);

function renderLatency(jobs) {
  const rows = $('latency-rows');
  const note = $('latency-note');
  if (!jobs) {
    rows.replaceChildren();
    note.textContent = 'Recent jobs could not be read.';
    return;
  }
  const line = (name, key, p) =>
    el(
      'tr',
      { dataset: { latency: key } },
      el('th', { scope: 'row' }, name),
      el('td', { class: 'num' }, fmtMs(p?.p50)),
      el('td', { class: 'num' }, fmtMs(p?.p95)),
      el('td', { class: 'num' }, fmtMs(p?.p99)),
    );
  rows.replaceChildren(
    line('End to end', 'end-to-end', jobs.latency.endToEnd),
    line('Queue wait', 'queue-wait', jobs.latency.queueWait),
    line('Inference', 'inference', jobs.latency.inference),
  );
  const span =
    jobs.sample.oldestFinishedOn && jobs.sample.newestFinishedOn
      ? `, finished between ${fmtTime(jobs.sample.oldestFinishedOn)} and ${fmtTime(jobs.sample.newestFinishedOn)}`
      : '';
  note.textContent =
    `From the last ${fmtInt(jobs.sample.completed)} completed classify jobs (at most ${fmtInt(jobs.sampleSize)}) kept in Redis${span}. ` +
    'End to end: request created → result ready; queue wait and inference: as the worker measured them (result queueMs, inferenceMs).';
}

function bucketLabel(buckets, i) {
  const le = buckets[i].le;
  const prev = i === 0 ? 0 : buckets[i - 1].le;
  if (le === null || !Number.isFinite(le)) return `> ${prev}`;
  if (i === 0 || le - prev <= 1) return String(le);
  return `${prev + 1}–${le}`;
}

function renderBatchSizes(report) {
  const box = $('batch-sizes');
  const note = $('batch-note');
  if (!report) {
    box.replaceChildren(empty('Worker metrics could not be read.'));
    note.textContent = '';
    return;
  }
  const models = Object.entries(report.byModel).filter(([, h]) => h.runs > 0);
  box.replaceChildren(
    ...(models.length === 0
      ? [empty('No onnxruntime run reported yet.')]
      : models.map(([model, h]) => {
          const buckets = h.buckets.map((b) => ({
            le: b.le === null ? Number.POSITIVE_INFINITY : b.le,
            runs: b.runs,
          }));
          const rows = buckets
            .map((b, i) => [bucketLabel(buckets, i), b.runs])
            .filter((r, i, all) => r[1] > 0 || i < all.length - 1);
          return el(
            'div',
            { class: 'model-block', dataset: { model } },
            el(
              'h3',
              {},
              model,
              el('small', {}, ` ${fmtInt(h.runs)} runs · mean ${(h.texts / h.runs).toFixed(1)} texts/run`),
            ),
            bars(rows, `batch-${model}`),
          );
        })),
  );
  const failed = report.scrapes.filter((s) => !s.ok);
  note.textContent =
    `Scraped from the /metrics of ${report.scrapes.length} worker process${report.scrapes.length === 1 ? '' : 'es'} (switchboard_batch_size histogram), counted since each worker started.` +
    (failed.length ? ` Not reachable: ${failed.map((s) => `${s.url} (${s.error})`).join('; ')}.` : '');
}

function renderVolumes(jobs) {
  const volumeTable = (map, what) => {
    const entries = Object.entries(map).sort(
      (a, b) => b[1].completed + b[1].failed - (a[1].completed + a[1].failed),
    );
    if (entries.length === 0) return empty('No finished job yet.');
    return table(
      [what, 'Completed', 'Failed', 'Texts'],
      entries.map(([name, v]) => [name, fmtInt(v.completed), fmtInt(v.failed), fmtInt(v.texts)]),
      [1, 2, 3],
    );
  };
  if (!jobs) {
    $('volume-channel').replaceChildren(empty('Recent jobs could not be read.'));
    $('volume-model').replaceChildren(empty('Recent jobs could not be read.'));
    $('labels').replaceChildren();
    return;
  }
  $('volume-channel').replaceChildren(volumeTable(jobs.byChannel, 'Channel'));
  $('volume-model').replaceChildren(volumeTable(jobs.byModel, 'Model'));
  const models = Object.entries(jobs.labelsByModel);
  $('labels').replaceChildren(
    ...(models.length === 0
      ? [empty('No completed job yet.')]
      : models.map(([model, labels]) => {
          const total = Object.values(labels).reduce((a, b) => a + b, 0);
          const rows = Object.entries(labels)
            .sort((a, b) => b[1] - a[1])
            .map(([label, n]) => [label, n, `${fmtInt(n)} · ${((n / total) * 100).toFixed(0)}%`]);
          return el('div', { class: 'model-block', dataset: { model } }, el('h3', {}, model), bars(rows));
        })),
  );
}

function renderFailures(jobs) {
  const box = $('failures');
  if (!jobs) {
    box.replaceChildren();
    return;
  }
  const codes = Object.entries(jobs.failuresByCode);
  if (jobs.recentFailures.length === 0) {
    box.replaceChildren(empty('No failed job kept in Redis.'));
    return;
  }
  box.replaceChildren(
    el('p', { class: 'note' }, `By code: ${codes.map(([c, n]) => `${c} ${n}`).join(', ')}`),
    el(
      'ul',
      { class: 'failures' },
      jobs.recentFailures.map((f) =>
        el(
          'li',
          { dataset: { job: f.id } },
          el('a', { href: `/queues/queue/classify/${encodeURIComponent(f.id)}` }, f.id),
          el('span', { class: 'code' }, f.errorCode),
          el('span', { class: 'meta' }, `${f.model} · ${f.channel} · ${fmtTime(f.finishedOn)}`),
          isAdmin &&
            el(
              'button',
              {
                type: 'button',
                class: 'act',
                dataset: { action: 'retry-job' },
                onclick: () =>
                  act(`/api/queues/classify/jobs/${encodeURIComponent(f.id)}/retry`, `Retry job ${f.id}`),
              },
              'Retry',
            ),
          el('span', { class: 'message' }, f.errorMessage),
        ),
      ),
    ),
  );
}

function renderWorkers(workers, now) {
  const box = $('workers');
  if (workers.length === 0) {
    box.replaceChildren(
      empty('No worker is online (no heartbeat in the last 15 s). Start one with `pnpm switchboard worker`.'),
    );
    return;
  }
  box.replaceChildren(
    table(
      ['Worker', 'Host', 'PID', 'Models', 'Started', 'Last heartbeat'],
      workers.map((w) => [
        w.id,
        w.host,
        String(w.pid),
        w.models.join(', ') || '(none)',
        fmtAgo(w.startedAt, now),
        fmtAgo(w.lastHeartbeat, now),
      ]),
      [2],
    ),
  );
  box.querySelector('tbody')?.setAttribute('data-testid', 'worker-rows');
}

function renderModels(registry, now) {
  const box = $('models');
  if (!registry || registry.models.length === 0) {
    box.replaceChildren(empty('No worker reports models yet.'));
  } else {
    box.replaceChildren(
      table(
        ['Model', 'Version', 'Default on', 'Loaded on'],
        registry.models.flatMap((m) =>
          m.versions.map((v) => [
            m.name,
            v.version,
            v.defaultOn.length > 0 ? v.defaultOn.join(', ') : '–',
            v.loadedOn.length > 0 ? v.loadedOn.join(', ') : 'not loaded',
          ]),
        ),
      ),
    );
    box.querySelector('tbody')?.setAttribute('data-testid', 'model-rows');
  }
  const reloads = registry?.reloads ?? [];
  $('model-reloads').replaceChildren(
    reloads.length === 0
      ? ''
      : el(
          'p',
          { class: 'note' },
          `Last reload: ${reloads.map((r) => `${r.worker} ${fmtAgo(r.lastReload, now)}`).join(' · ')}`,
        ),
  );
  const errors = registry?.errors ?? [];
  $('model-errors').replaceChildren(
    errors.length === 0
      ? ''
      : table(
          ['Load error', 'File', 'Problem', 'Worker', 'When'],
          errors.map((e) => [e.ref, e.file, e.error, e.worker, fmtAgo(e.at, now)]),
        ),
  );
  $('model-errors').querySelector('tbody')?.setAttribute('data-testid', 'model-errors');
}

function renderRedis(redis) {
  const mem = redis.memory;
  const items = [
    ['Connection', redis.status === 'ready' ? 'connected' : `not connected (${redis.status})`],
    ['Address', redis.url],
    ['Memory used', mem?.usedHuman ?? '–'],
    ['Peak', mem?.peakHuman ?? '–'],
    [
      'Limit',
      mem ? (mem.maxBytes ? `${(mem.maxBytes / 1_048_576).toFixed(0)} MiB (${mem.maxPolicy})` : 'none') : '–',
    ],
    ['Fragmentation', mem?.fragmentationRatio ?? '–'],
    ['Clients', fmtInt(redis.connectedClients)],
  ];
  $('redis').replaceChildren(
    ...items.map(([k, v]) =>
      el('div', { class: 'kv' }, el('dt', {}, k), el('dd', { dataset: { redis: k } }, v)),
    ),
  );
  $('redis').classList.toggle('down', redis.status !== 'ready');
}

// ---- polling ------------------------------------------------------------------------------

function render(snap) {
  $('updated').textContent = `Updated ${fmtTime(snap.generatedAt)}`;
  $('prefix').textContent = `· queue prefix “${snap.prefix}”`;
  const problems = $('problems');
  problems.hidden = snap.problems.length === 0;
  problems.replaceChildren(...snap.problems.map((p) => el('p', {}, p)));
  renderQueues(snap.queues);
  renderCharts(snap.throughput);
  renderLatency(snap.jobs);
  renderBatchSizes(snap.batchSizes);
  renderVolumes(snap.jobs);
  renderFailures(snap.jobs);
  renderWorkers(snap.workers, snap.generatedAt);
  renderModels(snap.models, snap.generatedAt);
  renderRedis(snap.redis);
}

let timer;
async function poll() {
  clearTimeout(timer);
  try {
    const res = await fetch('/api/overview', { credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401) {
      window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
      return;
    }
    if (!res.ok) {
      // A 503 says why (e.g. Redis, which holds the sessions, is unreachable); keep polling.
      const body = await res.json().catch(() => ({}));
      throw new Error(body.message ?? `HTTP ${res.status}`);
    }
    render(await res.json());
  } catch (err) {
    const problems = $('problems');
    problems.hidden = false;
    problems.replaceChildren(el('p', {}, `The dashboard server did not answer (${err.message}); retrying.`));
  } finally {
    timer = setTimeout(poll, POLL_MS);
  }
}

poll();
