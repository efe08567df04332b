# syntax=docker/dockerfile:1
# The web image: the React SPA built with Node 20, served by nginx, which also proxies /api to
# the api service (infra/nginx/default.conf). Build context: the repo root.
FROM node:20 AS build
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM nginx:1.27
COPY infra/nginx/default.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/frontend/dist /usr/share/nginx/html
EXPOSE 80
