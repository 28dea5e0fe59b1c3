# syntax=docker/dockerfile:1
# One image for every Switchboard service; the command names the service:
#   docker build -t switchboard .
#   docker run --rm switchboard worker            (the default)
#   docker run --rm switchboard http | slack | discord | dashboard
#   docker run --rm switchboard cli classify --model sentiment "I love it"
# See docs/operations.md. Debian (glibc), not Alpine: onnxruntime-node ships glibc binaries only.

ARG NODE_VERSION=20.20

# ---- deps: production dependencies, exactly as the lockfile pins them ----------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
ENV CI=true
RUN npm install -g pnpm@12.21.0
WORKDIR /app
# Manifests only, so this layer is rebuilt when dependencies change, not when code does. Every
# workspace package is listed (test/src/deploy checks it) so that the lockfile matches the workspace.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY core/package.json core/
COPY worker/package.json worker/
COPY client/package.json client/
COPY dashboard/package.json dashboard/
COPY plugins/cli/package.json plugins/cli/
COPY plugins/discord/package.json plugins/discord/
COPY plugins/http/package.json plugins/http/
COPY plugins/slack/package.json plugins/slack/
COPY plugins/vscode/package.json plugins/vscode/
COPY test/package.json test/
COPY bench/package.json bench/
# --prod skips the compilers, linters and test tools; tsx, which runs the TypeScript sources, is a
# runtime dependency. Tests, benchmarks and the VS Code extension are not part of the image.
# onnxruntime-node carries binaries for every platform: only Linux's are kept (-220 MB).
RUN pnpm install --frozen-lockfile --prod --reporter=append-only \
      --filter='!@switchboard/test' --filter='!@switchboard/bench' --filter='!switchboard-vscode' \
 && rm -rf node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*/darwin \
           node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*/win32

# ---- runtime ------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    SWITCHBOARD_MODELS=/app/models \
    WORKER_METRICS_HOST=0.0.0.0 \
    WORKER_PROCESSES=1
WORKDIR /app
# Owned by root and only readable by the service user: the running process cannot change its code.
COPY --from=deps /app /app
# Sources, models and deploy scripts (.dockerignore keeps out tests, node_modules and secrets).
COPY . .
# uid 1000 is the image's `node` user; numeric so that Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080 3000 3100 9464
# Asks the health endpoint of whichever service this container runs (see deploy/healthcheck.mjs).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/app/deploy/healthcheck.mjs"]
ENTRYPOINT ["sh", "/app/deploy/docker-entrypoint.sh"]
CMD ["worker"]
