# Converge's image: compiled JavaScript on the current Node.js LTS line, run as a non-root user.
# Build it with `docker build -t converge:local .` or `docker compose build` (README,
# "Running in production (image and compose)").

# ---- build: compile src/ to dist/ with the dev dependencies (TypeScript) ----
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies and dist/ only ----
FROM node:24-slim
# Probot: JSON logs, and a missing APP_ID/PRIVATE_KEY is an error rather than the setup page.
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time: app.yml by Probot's setup flow, package.json by Probot and Node (ESM).
COPY app.yml ./
# The files above stay owned by root and read-only to the app: it writes nothing to /app.
USER node
EXPOSE 3000
# Role: `web`, `worker`, or none for both in one process (docker-compose.yml sets it).
CMD ["node", "dist/bin/start.js"]
