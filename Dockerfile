# One image for api, web and trainer (they share the workspace and its lockfile).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 NX_NO_CLOUD=true
COPY package.json package-lock.json ./
COPY tools/scripts ./tools/scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY . .
