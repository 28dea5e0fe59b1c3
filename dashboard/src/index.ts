/**
 * `@switchboard/dashboard`: the ops web page (queue overview, job inspection through bull-board,
 * admin actions), its JSON API and the dashboard's own `/metrics`. Never loads onnxruntime.
 * @packageDocumentation
 */
export { type CredentialConfig, credentialsFromEnv, type Role } from './auth/user-config.js';
export { type DashboardOptions, dashboardOptionsFromEnv, isLoopbackHost } from './dashboard-options.js';
export { Dashboard, type DashboardAddress, type DashboardLog } from './dashboard-server.js';
export { TrustedProxies } from './http/trusted-proxies.js';
export {
  type BatchSizeHistogram,
  type BatchSizeReport,
  metricsUrl,
  scrapeBatchSizes,
  unreachableReason,
} from './overview/batch-size-scraper.js';
export { type BullMetrics, failureRates, minuteSeries, minuteStarts } from './overview/minute-series.js';
export {
  type ModelLoadErrorView,
  type ModelRegistryView,
  type ModelVersionView,
  type ModelView,
  modelRegistryView,
} from './overview/model-registry.js';
export type { OverviewSnapshot, QueueStatus, Throughput } from './overview/overview-collector.js';
export { percentiles } from './overview/percentiles.js';
export { type PromSample, parsePromText } from './overview/prom-text.js';
export { listWorkers, type WorkerEntry, type WorkerRegistry } from './overview/worker-directory.js';
