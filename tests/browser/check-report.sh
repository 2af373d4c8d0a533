#!/usr/bin/env bash
# Renders the HTML report of the sample corpus and checks it in headless
# Chromium: no console errors, no page errors, no network requests, no script
# element, every heatmap cell linked to its evidence. Skips (exit 0) where
# Chromium is not installed; install it with `apt-get install chromium`.
#
# usage: tests/browser/check-report.sh [SCREENSHOT.png]
set -euo pipefail
cd "$(dirname "$0")/../.."

chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$chromium" ]; then
  echo "skipped: Chromium is not installed (apt-get install chromium)"
  exit 0
fi
command -v node >/dev/null || { echo "skipped: node is not installed"; exit 0; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo run -q --release -- analyse corpus --format html --output "$work/report.html"
# A document full of markup meant to run: it must show as text.
cargo run -q --release -- analyse tests/fixtures/hostile --no-default-rules --rules tests/fixtures/rules \
  --format html --output "$work/hostile.html"
# playwright-core drives the system Chromium; it downloads no browser.
(cd "$work" && npm install --silent --no-audit --no-fund --no-save playwright-core@1 >/dev/null)
export CHROMIUM="$chromium" PLAYWRIGHT_CORE="$work/node_modules/playwright-core"
node tests/browser/check-report.mjs "$work/hostile.html"
node tests/browser/check-report.mjs "$work/report.html" ${1:+"$(realpath -m "$1")"}
