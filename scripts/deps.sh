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
  libinih-dev libjansson-dev uthash-dev libcmocka-dev libmicrohttpd-dev libdeflate-dev \
  libssl-dev libcsv-dev postgresql postgresql-client wrk hyperfine nodejs npm python3 >/dev/null
