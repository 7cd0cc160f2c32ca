# syntax=docker/dockerfile:1
# The workflow runner image: build stage (npm ci, tsc, prebuilt workflow bundle), then a slim runtime
# stage with production dependencies only, running as a non-root user.
#   docker build -t workflow-runner:dev .
#   docker run -e TEMPORAL_SERVICE_ADDRESS=host.docker.internal:7233 -p 3000:3000 -p 9090:9090 -p 50051:50051 workflow-runner:dev

ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first: this layer is reused while package*.json stay the same.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY scripts ./scripts
# Compile, prebuild the Temporal workflow bundle (workers then start without webpack), drop dev deps.
RUN npm run build \
 && npm run build:bundle \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    TEMPORAL_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    HEALTH_PORT=3000 \
    METRICS_PORT=9090 \
    GRPC_PORT=50051
WORKDIR /app
RUN groupadd --system --gid 10001 runner \
 && useradd --system --uid 10001 --gid runner --no-create-home --shell /usr/sbin/nologin runner
# Owned by root and read-only for the runner: the container runs with a read-only root filesystem.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER 10001:10001
# gRPC API, health (Terminus), Prometheus metrics.
EXPOSE 50051 3000 9090
# Liveness only: readiness (Temporal reachable) is the orchestrator's business, not the container's.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec form: node is PID 1 and receives SIGTERM directly, so the worker drains on shutdown.
ENTRYPOINT ["node", "bin/workflow-runner.js"]
CMD ["serve"]
