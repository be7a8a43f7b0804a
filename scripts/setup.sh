#!/usr/bin/env bash
# Sets up a fresh machine that has only Node and npm: pnpm, the system
# programs the tests talk to (a real redis-server), the workspace's
# dependencies, and the built packages. Safe to run again: it installs only
# what is missing. The README's Quick start runs it; so does CI.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
# Debian package that provides each program the tests run.
declare -A SYSTEM_PACKAGES=([redis-server]=redis-server)

say() { printf 'setup: %s\n' "$*"; }

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION with npm"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

missing=()
for program in "${!SYSTEM_PACKAGES[@]}"; do
  command -v "$program" >/dev/null 2>&1 || missing+=("${SYSTEM_PACKAGES[$program]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (used by the tests)"
  if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      say "cannot install ${missing[*]}: run as root, or install them yourself: apt-get install ${missing[*]}" >&2
      exit 1
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v brew >/dev/null 2>&1; then
    brew install redis
  else
    say "cannot install ${missing[*]} here (no apt-get or brew): install them with your package manager," >&2
    say "or run the tests with SLUICE_SKIP_REDIS=1 to skip the one test that needs redis-server" >&2
    exit 1
  fi
fi

pnpm install --frozen-lockfile
pnpm build
