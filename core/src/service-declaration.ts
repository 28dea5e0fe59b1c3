import { z } from 'zod';

/**
 * One environment variable a service reads, as deployment documents and sets it. The generated
 * `.env.example`, docker-compose.yml and Kubernetes ConfigMap/Secret are written from these.
 */
export interface ServiceEnvVariable {
  /** What it does, for `.env.example` (one or more sentences; `\n` breaks lines). */
  readonly doc?: string;
  /** The value the service uses when the variable is unset, shown commented out in `.env.example`. */
  readonly default?: string;
  /** A value to show instead of the default (e.g. `xoxb-...`), commented out. */
  readonly example?: string;
  /**
   * Needed by a deployment (the service listens on every interface in a container and refuses to
   * start without it): an empty active line in `.env.example`, a mandatory key of the Kubernetes Secret.
   */
  readonly required?: boolean;
  /** A credential: never in the ConfigMap, always empty in `.env.example`, read from the Secret. */
  readonly secret?: boolean;
  /** Set by docker-compose.yml and the Kubernetes ConfigMap (e.g. a listen host of `0.0.0.0`). */
  readonly container?: string;
  /** Set by the Kubernetes ConfigMap only (a value that suits a cluster, not one machine). */
  readonly kubernetes?: string;
  /**
   * Set in Kubernetes from the pod's own fields through the downward API (e.g. `status.podIP`);
   * such a variable has no place in `.env.example` beyond a comment.
   */
  readonly fieldRef?: string;
}

/** Where a service listens: the port its health endpoint, its metrics and its users reach. */
export interface ServiceListen {
  /** Default port. */
  readonly port: number;
  /** Variable that overrides the port (e.g. `HTTP_PORT`). */
  readonly portEnv: string;
  /** Variable that sets the listen address (e.g. `HTTP_HOST`); a wildcard is probed on loopback. */
  readonly hostEnv?: string;
  /** Name of the port in Kubernetes (`http`, `metrics`...). Default `http`. */
  readonly portName?: string;
  /** Published on the host by docker-compose (people and platforms call it). Default false. */
  readonly publish?: boolean;
  /** Serves Prometheus metrics on `/metrics` at this port (scrape annotations). Default false. */
  readonly metrics?: boolean;
}

/**
 * How to ask a service whether it is healthy. A service with no endpoint says why in `none`; one
 * that has an endpoint only in some modes names the switch in `skipWhen`.
 */
export interface ServiceHealth {
  /** Readiness path on the listen port (the Docker health check and the readiness probe ask it). */
  readonly path?: string;
  /** Liveness path (the liveness and startup probes). Default {@link ServiceHealth.path}. */
  readonly live?: string;
  /** Why the service has no endpoint to ask; it is healthy while its process runs. */
  readonly none?: string;
  /** A mode without a port: a boolean `flag` variable, else the presence of `orSet`. */
  readonly skipWhen?: {
    /** Boolean variable (`true`/`1`/`yes`) that selects the mode. */
    readonly flag: string;
    /** When `flag` is unset, the mode is on when this variable is set. */
    readonly orSet?: string;
    /** Why there is nothing to ask in that mode. */
    readonly reason: string;
  };
}

/** docker-compose.yml settings of a service. */
export interface ServiceComposeOptions {
  /** Containers to run (`deploy.replicas`). Default 1. */
  readonly replicas?: number;
  /** Compose `stop_grace_period`, e.g. `45s` (longer than the service's drain). */
  readonly stopGracePeriod?: string;
  /** Health check `start_period`. Default `30s`. */
  readonly startPeriod?: string;
  /** Other declared services that must have started first (Redis is always waited for). */
  readonly dependsOn?: readonly string[];
  /** Comment lines above the compose service (why it is shaped as it is). */
  readonly notes?: string;
}

/** CPU and memory of a Kubernetes container. */
export interface ServiceResources {
  /** Kubernetes CPU quantity, e.g. `500m` or `1`. */
  readonly cpu: string;
  /** Kubernetes memory quantity, e.g. `256Mi`. */
  readonly memory: string;
}

/** Kubernetes settings of a service; the generated Deployment, Service and budget follow them. */
export interface ServiceKubernetesOptions {
  /**
   * Replicas of the Deployment, or `autoscaled` when an autoscaler (KEDA's HPA) owns the count:
   * the Deployment then sets none, so that applying it never resets what the autoscaler chose.
   */
  readonly replicas: number | 'autoscaled';
  /** `Recreate` when two copies must never overlap (one gateway session). Default `RollingUpdate`. */
  readonly strategy?: 'RollingUpdate' | 'Recreate';
  /** Seconds between SIGTERM and SIGKILL. Default 30. */
  readonly terminationGracePeriodSeconds?: number;
  /** Sleep before SIGTERM, so endpoint removal wins the race with the stop. */
  readonly preStopSleepSeconds?: number;
  /** Longest a cold start may take before the startup probe gives up. Default 60. */
  readonly startupSeconds?: number;
  /** What the scheduler reserves for each pod (measure it: resident memory under load). */
  readonly requests: ServiceResources;
  /** The most each pod may use (memory above it is an OOM kill). */
  readonly limits: ServiceResources;
  /** A PodDisruptionBudget keeping this many pods through voluntary evictions. */
  readonly minAvailable?: number;
  /** `headless` for a Service that only lists pods (per-pod metrics). Default `ClusterIP`. */
  readonly serviceType?: 'ClusterIP' | 'headless';
  /** Part of `kubectl apply -k deploy/k8s`; false for services that need credentials first. */
  readonly kustomize?: boolean;
  /** Comment lines at the top of the manifest (why it is shaped as it is). */
  readonly notes?: string;
}

/**
 * The `switchboard.service` block of a package.json: the one description of a service. The stack
 * (`switchboard start`, `switchboard run`, `switchboard services`), the image's entrypoint and
 * health check, docker-compose.yml, the Kubernetes manifests and `.env.example` all follow it, so
 * adding a channel means adding this block to its package and running `pnpm deploy:gen`.
 */
export interface ServiceDeclaration {
  /** Short name (`worker`, `http`, `slack`...): the image's argument, the compose and k8s name. */
  readonly name: string;
  /** One line saying what the service is. */
  readonly description?: string;
  /** Compiled entry file (`dist/....js`), relative to the package folder, run with plain `node`. */
  readonly entry: string;
  /**
   * Environment the service needs; each item is one variable or alternatives joined by `|`.
   * The stack skips the service (and says which variable is missing) when one is unset.
   */
  readonly requires?: readonly string[];
  /** Start order: lower first. Default 50. */
  readonly order?: number;
  /** Where it listens, when it does. */
  readonly listen?: ServiceListen;
  /** How to tell it is healthy. */
  readonly health?: ServiceHealth;
  /** The variables it reads, by name, for generated configuration files. */
  readonly env?: Readonly<Record<string, ServiceEnvVariable>>;
  /** Its docker-compose.yml settings; a service is always in the compose file. */
  readonly compose?: ServiceComposeOptions;
  /** Its Kubernetes settings; without them the service gets no manifest. */
  readonly kubernetes?: ServiceKubernetesOptions;
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const envName = z.string().regex(ENV_NAME, 'an environment variable name (A-Z, 0-9, _)');
const path = z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'a URL path starting with /');
const duration = z.string().regex(/^(\d+m)?(\d+s)?$/, 'a compose duration such as 45s or 1m30s');
const quantity = z
  .string()
  .regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi)?$/, 'a Kubernetes quantity such as 500m or 256Mi');
const resources = z.strictObject({ cpu: quantity, memory: quantity });

/** The image's own commands: a service may not take their names. */
const RESERVED_NAMES = ['cli', 'healthcheck', 'redis'];

const schema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes, starting with a letter')
      .refine((n) => !RESERVED_NAMES.includes(n), `is reserved (${RESERVED_NAMES.join(', ')})`),
    description: z.string().optional(),
    entry: z
      .string()
      .min(1)
      .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a path inside the package')
      .refine((p) => /\.[cm]?js$/.test(p), 'compiled JavaScript (dist/....js): services run with plain node'),
    requires: z
      .array(z.string().regex(/^[A-Z][A-Z0-9_]*(\|[A-Z][A-Z0-9_]*)*$/, 'NAME or NAME|OTHER'))
      .optional(),
    order: z.number().int().min(0).optional(),
    listen: z
      .strictObject({
        port: z.number().int().min(1).max(65_535),
        portEnv: envName,
        hostEnv: envName.optional(),
        portName: z
          .string()
          .regex(/^[a-z][a-z0-9-]{0,14}$/, 'a Kubernetes port name (15 characters at most)')
          .optional(),
        publish: z.boolean().optional(),
        metrics: z.boolean().optional(),
      })
      .optional(),
    health: z
      .strictObject({
        path: path.optional(),
        live: path.optional(),
        none: z.string().min(1).optional(),
        skipWhen: z
          .strictObject({ flag: envName, orSet: envName.optional(), reason: z.string().min(1) })
          .optional(),
      })
      .refine((h) => (h.path === undefined) !== (h.none === undefined), 'needs exactly one of path and none')
      .optional(),
    env: z
      .record(
        envName,
        z.strictObject({
          doc: z.string().optional(),
          default: z.string().optional(),
          example: z.string().optional(),
          required: z.boolean().optional(),
          secret: z.boolean().optional(),
          container: z.string().optional(),
          kubernetes: z.string().optional(),
          fieldRef: z
            .string()
            .regex(/^(metadata|spec|status)\.[A-Za-z.]+$/, 'a pod field such as status.podIP')
            .optional(),
        }),
      )
      .optional(),
    compose: z
      .strictObject({
        replicas: z.number().int().min(1).optional(),
        stopGracePeriod: duration.optional(),
        startPeriod: duration.optional(),
        dependsOn: z.array(z.string()).optional(),
        notes: z.string().optional(),
      })
      .optional(),
    kubernetes: z
      .strictObject({
        replicas: z.union([z.number().int().min(0), z.literal('autoscaled')]),
        strategy: z.enum(['RollingUpdate', 'Recreate']).optional(),
        terminationGracePeriodSeconds: z.number().int().min(1).optional(),
        preStopSleepSeconds: z.number().int().min(1).optional(),
        startupSeconds: z.number().int().min(2).optional(),
        requests: resources,
        limits: resources,
        minAvailable: z.number().int().min(1).optional(),
        serviceType: z.enum(['ClusterIP', 'headless']).optional(),
        kustomize: z.boolean().optional(),
        notes: z.string().optional(),
      })
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (s.health?.path && !s.listen)
      ctx.addIssue({ code: 'custom', path: ['health'], message: 'a health path needs a listen port' });
    for (const [name, v] of Object.entries(s.env ?? {})) {
      if (v.secret && (v.container !== undefined || v.kubernetes !== undefined || v.default !== undefined))
        ctx.addIssue({
          code: 'custom',
          path: ['env', name],
          message: 'a secret has no default, container or kubernetes value',
        });
    }
  });

// A compile-time check that the schema and the documented interface describe the same shape.
const _sameShape: (parsed: z.infer<typeof schema>) => ServiceDeclaration = (parsed) => parsed;
void _sameShape;

/**
 * Checks a `switchboard.service` block.
 * @param where - names the block in the error, e.g. `plugins/slack/package.json`
 * @throws Error listing every problem, each with its field path
 */
export function parseServiceDeclaration(value: unknown, where: string): ServiceDeclaration {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) =>
      `  switchboard.service${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`,
  );
  throw new Error(`${where}: invalid switchboard.service block:\n${problems.join('\n')}`);
}
