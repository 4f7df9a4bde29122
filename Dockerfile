# One image for every process of the platform. Each Kubernetes Deployment picks the process with its command, e.g.
#   node -r @swc-node/register apps/gateway/src/main.ts
# (see deploy/kubernetes). Sources run through @swc-node/register exactly as in the embedded default, so the image
# holds the TypeScript sources, proto/ (loaded at run time by the gRPC servers) and models/ (the starter model).
#
#   docker build -t registry.example.com/llm-platform:1.0 .

ARG NODE_IMAGE=node:20-slim

# --- dependencies: only the manifests, so this layer is rebuilt only when they change --------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The root package depends on the CLI through `file:apps/cli`.
COPY apps/cli/package.json apps/cli/package.json
COPY apps/cli/bin apps/cli/bin
# `npm install` rather than `npm ci`: the lockfile lacks some other-platform optional binaries (tools/scripts/bootstrap.sh).
RUN npm install --no-audit --no-fund --loglevel=error && npm cache clean --force

# --- build: sources plus the generated gRPC contracts and the built console (git-ignored, never in the build context) -
FROM deps AS build
COPY . .
RUN rm -rf libs/contracts/src/gen && npx --no-install buf generate
# The web console the gateway serves at /ui/ (dist/apps/console).
RUN NODE_ENV=production npx --no-install vite build --config apps/console/vite.config.mts --logLevel warn

# --- runtime -----------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# git (+ ssh for ssh:// remotes) is what the taxonomy service fetches knowledge documents with; bubblewrap and python3
# are the agents service's code_interpreter sandbox; tesseract (English data) and poppler-utils (pdftoppm) are OCR of
# images and scanned PDF pages (libs/extraction).
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git openssh-client ca-certificates tini bubblewrap python3 \
     tesseract-ocr tesseract-ocr-eng poppler-utils \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    PLATFORM_HOST=0.0.0.0 \
    PLATFORM_LISTEN_HOST=0.0.0.0
COPY --from=build --chown=root:root /app /app
# The `node` user (uid 1000) of the base image; the sources stay root-owned and read-only to it.
USER 1000:1000
# tini forwards SIGTERM to node (each process reports not-ready, drains, then exits) and reaps the engine servers and
# trainers the services spawn.
ENTRYPOINT ["/usr/bin/tini", "--"]
# --max-semi-space-size: a larger young generation costs the gateway less CPU (GATEWAY_NODE_FLAGS, tools/launcher).
CMD ["node", "--max-semi-space-size=32", "-r", "@swc-node/register", "apps/gateway/src/main.ts"]
