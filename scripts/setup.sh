#!/usr/bin/env bash
# Installs what the node and its tests need on a fresh Node 20 machine (idempotent):
# pnpm pinned to a version that works on Node 20, the workspace's packages, and Debian's
# python3-bitcoinlib (an independent client the interoperability tests drive).
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(pnpm -v 2>/dev/null)" = 10.34.9 ] || npm install -g pnpm@10.34.9 >/dev/null
if ! /usr/bin/python3 -c 'import bitcoin' 2>/dev/null || ! [ -x /usr/bin/bwrap ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-bitcoinlib bubblewrap >/dev/null
  else
    echo "setup: install python3-bitcoinlib and bubblewrap (confine): sudo apt-get install python3-bitcoinlib bubblewrap" >&2
  fi
fi
pnpm install --frozen-lockfile --reporter=silent
pnpm -s build # the compiled dist/ the confined node runs (issue 7)
