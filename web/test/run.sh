#!/usr/bin/env bash
# The browser tests: installs what they need when it is missing (Debian's chromium with apt-get, Node 22 and
# playwright-core with npm), then runs them against the functions jar the Maven build made.
# Screenshots of the running page land in web/target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  echo "browser tests: installing chromium with apt-get"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
source ../tools/node22.sh
npm ci --no-audit --no-fund --loglevel=error
CHROMIUM=$(command -v chromium) exec node --test --test-concurrency=1 'test/*.test.mjs'
