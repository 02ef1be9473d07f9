#!/usr/bin/env bash
# Builds the web dashboard (web/) into web/dist: the npm packages pinned by
# web/package-lock.json (installed again only when the lock file changed),
# then esbuild. hems serves web/dist at `/`; nothing is fetched at run time.
set -euo pipefail
cd "$(dirname "$0")/../web"
if ! command -v npm >/dev/null 2>&1; then
  echo "hems build: npm is missing (deploy/setup.sh installs it); the dashboard is not built" >&2
  exit 0
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
