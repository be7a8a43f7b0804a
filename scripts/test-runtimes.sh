#!/usr/bin/env bash
# Runs scripts/runtimes/smoke.mjs, the built packages over loopback sockets,
# on Node, then on Bun and Deno: the `bun` and `deno` devDependencies, whose
# binaries `pnpm install` puts in node_modules/.bin. Prints each runtime's
# version and a summary; exits non-zero if any runtime failed a check.
# Run `pnpm build` first. Set SMOKE_ONLY=<text> to run the matching checks
# only, SMOKE_NO_SKIP=1 to run the checks skipped on a runtime as well.
set -euo pipefail
cd "$(dirname "$0")/.."

for name in core codec connection net rx ws sluice; do
  [[ -f "packages/$name/dist/index.js" ]] || {
    echo "test-runtimes: packages/$name/dist/index.js is missing: run \`pnpm build\` first" >&2
    exit 1
  }
done

bin=node_modules/.bin
# Deno: -A grants what the checks use (network, files, environment); with a
# package.json beside it, Deno resolves packages from node_modules as Node does.
runtimes=(
  "Node|node --version|node scripts/runtimes/smoke.mjs"
  "Bun|$bin/bun --version|$bin/bun scripts/runtimes/smoke.mjs"
  "Deno|$bin/deno --version|$bin/deno run -A scripts/runtimes/smoke.mjs"
)

summary=()
failed=0
for entry in "${runtimes[@]}"; do
  IFS='|' read -r name version_command command <<<"$entry"
  if ! version="$($version_command 2>&1 | head -n 1)"; then
    summary+=("$name: FAILED, cannot run \`$version_command\` ($version): run \`pnpm install\`")
    failed=1
    continue
  fi
  version="${version#deno }" # `deno --version` says "deno 2.9.6 (stable, …)"
  version="${version#v}"
  version="${version%% *}"
  echo "== $name $version"
  start=$SECONDS
  if $command; then
    summary+=("$name $version: passed in $((SECONDS - start)) s")
  else
    summary+=("$name $version: FAILED after $((SECONDS - start)) s")
    failed=1
  fi
done
echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
