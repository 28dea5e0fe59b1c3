/**
 * `@switchboard/dashboard`: the ops web page (queue overview, job inspection through bull-board,
 * admin actions), its JSON API and the dashboard's own `/metrics`. Never loads onnxruntime.
 * @packageDocumentation
 */
export { type CredentialConfig, credentialsFromEnv, type Role } from './auth/user-config.js';
export { type DashboardOptions, dashboardOptionsFromEnv, isLoopbackHost } from './dashboard-options.js';
export { Dashboard, type DashboardAddress, type DashboardLog } from './dashboard-server.js';
export { minuteSeries } from './overview/minute-series.js';
export type { OverviewSnapshot, QueueStatus, Throughput } from './overview/overview-collector.js';
export { percentiles } from './overview/percentiles.js';
export { parsePromText } from './overview/prom-text.js';
