#!/usr/bin/env bash
# Installs every Debian package govreach needs to build, test and run (Debian 12).
# Run as root (or through sudo). Used by .ci/run and by the README's first command.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential pkg-config clang libclang-rt-14-dev git ca-certificates curl openssl \
  libcurl4-openssl-dev libuv1-dev libxml2-dev libpcre2-dev libpq-dev zlib1g-dev \
  libinih-dev libjansson-dev libyajl-dev uthash-dev libcmocka-dev libmicrohttpd-dev libdeflate-dev \
  libssl-dev libcsv-dev postgresql postgresql-client wrk hyperfine python3 faketime \
  chromium fonts-noto-cjk >/dev/null
# Node.js and npm only run one check (WARC files read by warcio, from the npm registry);
# machines that already have a Node.js of their own keep it (Debian's npm conflicts with
# NodeSource's nodejs). Without npm that check says so and skips.
if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null ||
    echo "deps: nodejs/npm not installed; the warcio check will be skipped" >&2
fi
# The HTML report's JavaScript, pinned in package.json and package-lock.json: Apache
# ECharts (copied beside every report, so it opens offline) and playwright-core, which
# drives Debian's chromium in the report tests (it never downloads a browser).
if command -v npm >/dev/null 2>&1; then
  (cd "$(dirname "$0")/.." && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent) ||
    echo "deps: npm ci failed; govreach report will lack its charts" >&2
fi
