#!/usr/bin/env bash
# `npm test`: type-check, unit and server tests, production build, then the Playwright stories in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/ensure-chromium.sh
echo "── type-check"
npm run --silent typecheck
# ── scale-out services (docs/SCALE.md §5): PostgreSQL and Ceph RGW on 127.0.0.1 for the server tests'
# second backend and test/e2e/scale.spec.ts; stopped by saved PIDs however this script ends.
echo "── services: PostgreSQL and S3 (Ceph RGW)"
services_env=$(bash test/services/start-services.sh) # stops what it started if it fails
eval "$services_env"
trap 'bash test/services/stop-services.sh' EXIT
# ── end of scale-out services
echo "── unit and server tests (vitest)"
npx vitest run
echo "── build"
npx vite build --logLevel warn
echo "── end-to-end stories (Playwright, Chromium)"
npx playwright test -c test/e2e/playwright.config.ts
