#!/usr/bin/env bash
# Sets up a fresh machine that has only Node and npm: pnpm, the system
# programs the tests talk to (a real redis-server, Chromium for the browser
# tests, and Python's websockets as a WebSocket peer Sluice did not write), the workspace's dependencies, and the built packages. Safe to
# run again: it installs only what is missing, and builds only when the
# sources changed since its last build. Quiet unless a step fails. The README's Quick start runs
# it; so does CI. Browsers come from the system's package manager only: never
# a browser download (no `puppeteer browsers install`, no `playwright install`).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
# Debian package that provides each program the tests run (Debian's chromium
# installs /usr/bin/chromium, where test-support/browser.ts looks for it).
declare -A SYSTEM_PACKAGES=([redis-server]=redis-server [chromium]=chromium [python3-websockets]=python3-websockets)
# What to do instead, per program, where it cannot be installed here.
declare -A INSTEAD=(
  [redis-server]='or run the tests with SLUICE_SKIP_REDIS=1 to skip the one test that needs redis-server'
  [chromium]='or point CHROMIUM_PATH at a Chromium or Chrome you have, or run the tests with SLUICE_SKIP_BROWSER=1 to skip the browser tests'
  [python3-websockets]='or run the tests with SLUICE_SKIP_PYTHON=1 to skip the interop test with a Python websockets peer'
)

say() { printf 'setup: %s\n' "$*"; }

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION with npm"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

# A program counts as present if it is on PATH; Chromium also if CHROMIUM_PATH
# names an executable (the browser tests use that one then).
has() {
  if [ "$1" = chromium ] && [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then return 0; fi
  # The Python peer runs on the system's Python, where Debian's python3-websockets goes.
  if [ "$1" = python3-websockets ]; then /usr/bin/python3 -c 'import websockets' >/dev/null 2>&1; return; fi
  command -v "$1" >/dev/null 2>&1
}
give_up() { # says what went wrong, then what to do instead for each of the programs named after it
  say "$1" >&2
  shift
  for program in "$@"; do say "  ${INSTEAD[$program]}" >&2; done
  exit 1
}

missing=()
missing_programs=()
for program in "${!SYSTEM_PACKAGES[@]}"; do
  if ! has "$program"; then
    missing+=("${SYSTEM_PACKAGES[$program]}")
    missing_programs+=("$program")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (used by the tests)"
  if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      give_up "cannot install ${missing[*]}: run as root, or install them yourself: apt-get install ${missing[*]}" "${missing_programs[@]}"
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    for program in "${missing_programs[@]}"; do
      has "$program" || give_up "apt-get installed ${SYSTEM_PACKAGES[$program]}, but there is still no $program on PATH" "$program"
    done
  elif command -v brew >/dev/null 2>&1; then
    has redis-server || brew install redis
    has chromium || give_up "cannot install chromium: this script installs a browser only with apt-get, install Chromium or Chrome yourself" chromium
    has python3-websockets || give_up "cannot install python3-websockets without apt-get" python3-websockets
  else
    give_up "cannot install ${missing[*]} here (no apt-get or brew): install them with your package manager" "${missing_programs[@]}"
  fi
fi

# pnpm's output is kept in a log, and shown only if the step fails.
quietly() { # a description, then the command
  local what=$1 log status=0
  shift
  log="$(mktemp)"
  "$@" >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    say "$what failed; its output:" >&2
    cat "$log" >&2
    rm -f "$log"
    exit "$status"
  fi
  rm -f "$log"
}

say "installing the workspace's dependencies"
quietly 'pnpm install' pnpm install --frozen-lockfile

# The build is skipped when every package has its dist/ and nothing it is built from changed since the last
# build here: a hash of the sources, the build settings and the lockfile, kept in node_modules (which a fresh
# clone does not have). A `git pull` that changes any of them changes the hash, and so rebuilds.
STAMP=node_modules/.sluice-build-stamp
inputs_hash() {
  find packages/*/src packages/*/package.json packages/*/tsconfig*.json packages/*/tsup.config.ts \
    tsconfig.base.json tsup.config.base.ts pnpm-lock.yaml -type f -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}
built() {
  local package
  for package in packages/*/; do [ -f "${package}dist/index.js" ] || return 1; done
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$1" ]
}
hash="$(inputs_hash)"
if built "$hash"; then
  say "the packages are built and up to date: skipping the build"
else
  say "building the packages"
  rm -f "$STAMP"
  quietly 'pnpm build' pnpm build
  printf '%s\n' "$hash" >"$STAMP"
fi
say "done"
