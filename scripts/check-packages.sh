#!/usr/bin/env bash
# Packs every package as it would be published and checks each tarball:
#   - pnpm has rewritten every `workspace:` range to a real version range;
#   - the tarball holds README.md, LICENSE and the four build outputs;
#   - publint --strict finds nothing;
#   - Are the Types Wrong (profile node16): `import` and `require` both
#     resolve, each with its own types;
#   - no private member clashes with an export in a CommonJS chunk.
# Run `pnpm build` first. Usage: scripts/check-packages.sh [DIR] (the
# tarballs are left in DIR if given, else in a temporary folder removed at exit).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -gt 0 ]]; then
  packs="$1"
  mkdir -p "$packs"
else
  packs="$(mktemp -d)"
  trap 'rm -rf "$packs"' EXIT
fi

failed=0
fail() {
  echo "FAIL $1: $2" >&2
  failed=1
}

for dir in packages/*/; do
  name="$(node -p "require('./${dir}package.json').name")"
  tgz="$(cd "$dir" && pnpm pack --pack-destination "$packs" | tail -n 1)"
  echo "== $name ($(basename "$tgz"))"

  manifest="$(tar -xzOf "$tgz" package/package.json)"
  if grep -q '"workspace:' <<<"$manifest"; then
    fail "$name" "the packed package.json still has a workspace: range"
  fi
  listing="$(tar -tzf "$tgz")"
  for file in README.md LICENSE dist/index.js dist/index.cjs dist/index.d.ts dist/index.d.cts; do
    grep -qx "package/$file" <<<"$listing" || fail "$name" "$file is missing from the tarball"
  done
  # tsup's CommonJS chunks (splitting) rename exports as `exports.name`; a private class member of
  # the same name came out as `#name = exports.name = …`, replacing the export with the method.
  clash="$(tar -xzOf "$tgz" --wildcards 'package/dist/*.cjs' | grep -oE '#[A-Za-z_]+ = exports\.[A-Za-z_]+' | head -n 3 || true)"
  [[ -z "$clash" ]] || fail "$name" "a private member is also assigned to an export in the CommonJS build: $clash"
  if grep -qE '^package/(test|bench)/|\.test\.ts$' <<<"$listing"; then
    fail "$name" "tests are in the tarball"
  fi

  pnpm exec publint --strict "$tgz" || fail "$name" "publint --strict"
  pnpm exec attw --profile node16 --format ascii --no-emoji --no-color "$tgz" || fail "$name" "attw (node16)"
done

if [[ $failed -ne 0 ]]; then
  echo "check-packages: some packages are not fit to publish (see FAIL lines above)" >&2
  exit 1
fi
echo "check-packages: all packages pass publint --strict and attw (node16)"
