# syntax=docker/dockerfile:1
# The one Impulse image: the controller, EventSource and Sensor pods all run the `impulse` CLI from it.
#   docker build -t impulse:0.1.0 .
# Pin the base by digest in a release pipeline: --build-arg NODE_IMAGE=node:24-slim@sha256:<digest>
ARG NODE_IMAGE=node:24-slim

# 1. Only the workspaces the CLI needs: `turbo prune` leaves out test/ and bench/ and cuts their dependencies
#    (Kafka, AWS SDK test clients, ...) from the lock file.
FROM ${NODE_IMAGE} AS prune
WORKDIR /src
COPY package-lock.json ./
# The same turbo as the lock file's, so the pruned lock file is what `npm install` below expects.
RUN npm install --global --no-audit --no-fund --no-update-notifier \
      "turbo@$(node -p "require('./package-lock.json').packages['node_modules/turbo'].version")"
COPY . .
RUN turbo prune @impulse/cli --docker --out-dir /out

# 2. Install (cached until a package.json or the lock file changes), compile, then drop the dev dependencies.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV CI=true
COPY --from=prune /out/json/ ./
# `npm ci` refuses a lock file that lacks other platforms' optional binaries (turbo's); install honours the lock otherwise.
RUN npm install --no-audit --no-fund --no-update-notifier
COPY --from=prune /out/full/ ./
COPY tsconfig.base.json ./
RUN npx turbo run build --filter=@impulse/cli... --output-logs=errors-only
RUN npm prune --omit=dev --no-audit --no-fund --no-update-notifier \
 && rm -rf .turbo turbo.json tsconfig.base.json */src */tsconfig.json */.turbo */*.tsbuildinfo

# 3. Runtime: compiled JavaScript and production node_modules, owned by root and read-only to the process.
FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="impulse" \
      org.opencontainers.image.description="Event platform in the style of Argo Events: controller, EventSource and Sensor runtimes"
# git and ssh for the k8s/argoWorkflow triggers' git sources (docs/triggers/k8s.md says why the binary and not a JS
# reimplementation); ca-certificates because git's TLS uses the system store, not Node's.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*
# No package manager at run time: nothing in a pod installs anything, and less to patch.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
# HOME and TMPDIR point at /tmp: with readOnlyRootFilesystem the only writable place is the emptyDir mounted there.
ENV NODE_ENV=production HOME=/tmp TMPDIR=/tmp
WORKDIR /app
COPY --from=build /src/ /app/
# The base image's `node` user, by number: the kubelet can only verify runAsNonRoot for a numeric USER.
USER 1000:1000
ENTRYPOINT ["node", "--enable-source-maps", "/app/cli/dist/main.js"]
CMD ["--help"]
