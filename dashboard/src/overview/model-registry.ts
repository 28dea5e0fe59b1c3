import type { WorkerEntry } from './worker-directory.js';

/** One version of a model as the workers report it. */
export interface ModelVersionView {
  readonly version: string;
  /** Workers on which a bare name runs this version. */
  readonly defaultOn: readonly string[];
  /** Workers with a session of this version loaded. */
  readonly loadedOn: readonly string[];
}

/** One model across the workers. */
export interface ModelView {
  readonly name: string;
  readonly versions: readonly ModelVersionView[];
}

/** A version a worker could not load, with the file at fault. */
export interface ModelLoadErrorView {
  readonly worker: string;
  readonly ref: string;
  readonly file: string;
  readonly error: string;
  readonly at: number;
}

/** The Models section of the overview: built from the workers' heartbeats. */
export interface ModelRegistryView {
  readonly models: readonly ModelView[];
  /** When each worker last read the model repository. */
  readonly reloads: readonly { readonly worker: string; readonly lastReload: number }[];
  readonly errors: readonly ModelLoadErrorView[];
}

/**
 * Gathers what every worker announces about its models: the dashboard need not see the model
 * folder (it may run on another machine), and what it shows is what the workers really serve.
 */
export function modelRegistryView(workers: readonly WorkerEntry[]): ModelRegistryView {
  const models = new Map<string, Map<string, { defaultOn: string[]; loadedOn: string[] }>>();
  const errors: ModelLoadErrorView[] = [];
  const reloads: { worker: string; lastReload: number }[] = [];
  const versionOf = (name: string, version: string) => {
    let versions = models.get(name);
    if (!versions) {
      versions = new Map();
      models.set(name, versions);
    }
    let v = versions.get(version);
    if (!v) {
      v = { defaultOn: [], loadedOn: [] };
      versions.set(version, v);
    }
    return v;
  };
  for (const w of workers) {
    const registry = w.registry;
    if (!registry) continue;
    reloads.push({ worker: w.id, lastReload: registry.lastReload });
    for (const m of registry.models) {
      for (const v of m.versions) versionOf(m.name, v);
      for (const v of m.loaded) versionOf(m.name, v).loadedOn.push(w.id);
      if (m.default !== undefined) versionOf(m.name, m.default).defaultOn.push(w.id);
    }
    for (const e of registry.errors) errors.push({ worker: w.id, ...e });
  }
  const collator = new Intl.Collator('en', { numeric: true });
  return {
    models: [...models.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([name, versions]) => ({
        name,
        versions: [...versions.entries()]
          .sort((a, b) => collator.compare(a[0], b[0]))
          .map(([version, v]) => ({ version, ...v })),
      })),
    reloads,
    errors: errors.sort((a, b) => b.at - a.at),
  };
}
