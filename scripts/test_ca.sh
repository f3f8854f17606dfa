#!/usr/bin/env bash
# scripts/test_ca.sh DIR: a test certificate authority and a server
# certificate signed by it for the hosts the simulated web serves over TLS
# (mp.weixin.qq.com, itunes.apple.com), as DIR/ca.pem, DIR/srv.pem and
# DIR/srv.key; nothing is done when they exist. The tests and the demo give
# simweb the server certificate and the crawler the CA (crawler.ca_file):
# TLS verification stays on. The certificates are valid for ten years from
# the clock openssl sees (the demo runs it under its simulated 2014 clock).
set -euo pipefail
dir=${1:?usage: test_ca.sh DIR}
[ -s "$dir/ca.pem" ] && [ -s "$dir/srv.pem" ] && [ -s "$dir/srv.key" ] && exit 0
mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.new.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days 3650 \
  -subj '/CN=govreach test CA' 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$tmp/srv.key" -out "$tmp/srv.csr" -subj '/CN=mp.weixin.qq.com' 2>/dev/null
printf 'subjectAltName=DNS:mp.weixin.qq.com,DNS:itunes.apple.com\n' >"$tmp/san.ext"
openssl x509 -req -in "$tmp/srv.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial -out "$tmp/srv.pem" \
  -days 3650 -extfile "$tmp/san.ext" 2>/dev/null
mv "$tmp/srv.key" "$tmp/srv.pem" "$dir/"
mv "$tmp/ca.pem" "$dir/"
