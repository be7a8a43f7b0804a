#!/usr/bin/env bash
# The packages as a user gets them: packs every package, installs the
# tarballs (not the workspace links) with npm into a new project in the
# system's temporary folder, then
#   1. imports each package from ESM and requires it from CommonJS, and runs
#      a short line echo over loopback from both;
#   2. type-checks a small TypeScript program (module nodenext, an .mts and a
#      .cts file, skipLibCheck off) against the published declarations;
#   3. runs the `sluice` bin, whose --version must be its package.json's;
#   4. installs `sluice` alone, without rxjs (an optional peer), into a second
#      project, where `import { connect, lines } from 'sluice'` (and require)
#      must run a line echo, and `sluice/rx` must fail only for want of rxjs.
# Run `pnpm build` first. Needs the npm registry for rxjs, typescript and
# @types/node. Set KEEP_CONSUMER=1 to keep the temporary project.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

work="$(mktemp -d "${TMPDIR:-/tmp}/sluice-consumer.XXXXXX")"
if [[ "${KEEP_CONSUMER:-}" == 1 ]]; then echo "consumer project kept in $work"; else trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work/packs" "$work/app"

deps=()
for dir in packages/*/; do
  name="$(node -p "require('./${dir}package.json').name")"
  tgz="$(cd "$dir" && pnpm pack --pack-destination "$work/packs" | tail -n 1)"
  deps+=("\"$name\": \"file:$tgz\"")
  [[ "$name" == sluice ]] && sluice_tgz="$tgz"
done
joined="$(IFS=,; echo "${deps[*]}")"

# `overrides` pins the packages' dependencies on each other to the same
# tarballs, so nothing under @sluice/ is fetched from the registry.
cat >"$work/app/package.json" <<JSON
{
  "name": "sluice-consumer-smoke",
  "private": true,
  "version": "0.0.0",
  "dependencies": { $joined },
  "overrides": { $joined },
  "devDependencies": {
    "@types/node": "^20.19.0",
    "rxjs": "^7.8.2",
    "typescript": "~5.9.3"
  }
}
JSON

cd "$work/app"
echo "== npm install (tarballs + rxjs, typescript, @types/node)"
npm install --no-audit --no-fund --loglevel=error

# Every package must resolve to its tarball, not to a workspace link.
for name in @sluice/core @sluice/codec @sluice/connection @sluice/net @sluice/rx @sluice/ws sluice; do
  [[ -L "node_modules/$name" ]] && { echo "FAIL $name is a symlink, not an installed tarball" >&2; exit 1; }
  [[ -f "node_modules/$name/dist/index.js" ]] || { echo "FAIL $name is not installed" >&2; exit 1; }
done

cat >esm.mjs <<'JS'
import assert from 'node:assert/strict';
import * as codec from '@sluice/codec';
import * as connection from '@sluice/connection';
import * as forTransports from '@sluice/connection/transport';
import * as core from '@sluice/core';
import * as net from '@sluice/net';
import * as rx from '@sluice/rx';
import * as sluice from 'sluice';
import * as sluiceRx from 'sluice/rx';
import { lastValueFrom, of, toArray } from 'rxjs';

for (const [name, mod, keys] of [
  ['@sluice/core', core, ['pipe', 'map', 'filter', 'collect', 'channel']],
  ['@sluice/codec', codec, ['lines', 'json', 'lengthPrefixed', 'text', 'decode', 'encode']],
  ['@sluice/connection', connection, ['Connection', 'Framed']],
  ['@sluice/connection/transport', forTransports, ['fromTransport', 'serveConnections', 'ListenerBase']],
  ['@sluice/net', net, ['connect', 'listen', 'bind', 'Connection']],
  ['@sluice/rx', rx, ['observe', 'decodeWith', 'encodeWith', 'socket$', 'listen$']],
  ['sluice', sluice, ['pipe', 'lines', 'connect', 'listen']],
  ['sluice/rx', sluiceRx, ['observe', 'decodeWith', 'encodeWith', 'socket$', 'listen$', 'webSocket$']],
]) {
  for (const key of keys) assert.equal(typeof mod[key], 'function', `${name} (ESM) exports ${key}`);
}
assert.equal(sluice.lines, codec.lines, 'sluice re-exports the same @sluice/codec instance');
assert.equal(sluiceRx.socket$, rx.socket$, 'sluice/rx re-exports the same @sluice/rx instance');
assert.equal('socket$' in sluice, false, "'sluice' leaves the RxJS names to 'sluice/rx'");

// A line echo over loopback.
const listener = await sluice.listen({ host: '127.0.0.1', port: 0 });
const served = listener.serve(async (conn) => {
  const io = conn.framed(sluice.lines());
  for await (const line of io) await io.write(`echo: ${line}`);
});
const conn = await sluice.connect(listener.address);
const io = conn.framed(sluice.lines());
await io.write('hello');
await io.write('world');
await io.closeWrite();
const replies = await sluice.pipe(io, sluice.collect());
assert.deepEqual(replies, ['echo: hello', 'echo: world']);
await listener.close();
await served;

// The RxJS side: encode then decode through the operators.
const bytes = await lastValueFrom(of('a', 'b').pipe(rx.encodeWith(codec.lines()), toArray()));
const back = await lastValueFrom(of(...bytes).pipe(rx.decodeWith(codec.lines()), toArray()));
assert.deepEqual(back, ['a', 'b']);
console.log('ESM: imports and loopback echo OK');
JS

cat >cjs.cjs <<'JS'
const assert = require('node:assert/strict');
const core = require('@sluice/core');
const codec = require('@sluice/codec');
const connection = require('@sluice/connection');
const forTransports = require('@sluice/connection/transport');
const net = require('@sluice/net');
const rx = require('@sluice/rx');
const sluice = require('sluice');
const sluiceRx = require('sluice/rx');

for (const [name, mod, keys] of [
  ['@sluice/core', core, ['pipe', 'map', 'filter', 'collect', 'channel']],
  ['@sluice/codec', codec, ['lines', 'json', 'lengthPrefixed', 'text', 'decode', 'encode']],
  ['@sluice/connection', connection, ['Connection', 'Framed']],
  ['@sluice/connection/transport', forTransports, ['fromTransport', 'serveConnections', 'ListenerBase']],
  ['@sluice/net', net, ['connect', 'listen', 'bind', 'Connection']],
  ['@sluice/rx', rx, ['observe', 'decodeWith', 'encodeWith', 'socket$', 'listen$']],
  ['sluice', sluice, ['pipe', 'lines', 'connect', 'listen']],
  ['sluice/rx', sluiceRx, ['observe', 'decodeWith', 'encodeWith', 'socket$', 'listen$', 'webSocket$']],
]) {
  for (const key of keys) assert.equal(typeof mod[key], 'function', `${name} (CJS) exports ${key}`);
}
assert.equal(sluice.lines, codec.lines, 'sluice re-exports the same @sluice/codec instance');
assert.ok(require.resolve('@sluice/net').endsWith('index.cjs'), 'require() resolves to the CommonJS build');

(async () => {
  const listener = await net.listen({ host: '127.0.0.1', port: 0 });
  const served = listener.serve(async (conn) => {
    const io = conn.framed(codec.json());
    for await (const message of io) await io.write({ echo: message });
  });
  const conn = await net.connect(listener.address);
  const io = conn.framed(codec.json());
  await io.write({ n: 1 });
  await io.closeWrite();
  const replies = await core.pipe(io, core.collect());
  assert.deepEqual(replies, [{ echo: { n: 1 } }]);
  await listener.close();
  await served;
  console.log('CJS: requires and loopback echo OK');
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
JS

cat >typed.mts <<'TS'
import { type Codec, collect, connect, filter, json, lengthPrefixed, lines, listen, map, pipe } from 'sluice';
import { decodeWith, encodeWith } from 'sluice/rx';
import type { Framed } from '@sluice/net';
import { type Observable, of } from 'rxjs';

interface Message {
  id: number;
  text: string;
}

const listener = await listen({ host: '127.0.0.1', port: 0 });
const served = listener.serve(async (conn) => {
  const io: Framed<string> = conn.framed(lines());
  for await (const line of io) await io.write(line.toUpperCase());
});
await using conn = await connect(listener.address);
const io = conn.framed(json<Message>());
await io.write({ id: 1, text: 'hi' });
const ids: Promise<number[]> = pipe(
  io,
  map((message) => message.id),
  filter((id) => id > 0),
  collect(),
);
const frames: Observable<Uint8Array> = of(new Uint8Array([0, 0, 0, 1, 42])).pipe(decodeWith(lengthPrefixed()));
const bytes: Observable<Uint8Array> = of('a').pipe(encodeWith(lines()));
const custom: Codec<Message, string> = {
  decoder: () => ({ decode: () => [], end: () => [] }),
  encoder: () => ({ encode: (frame) => new TextEncoder().encode(frame) }),
};
// @ts-expect-error: json<Message>() does not take strings
await io.write('not a message');
void [ids, frames, bytes, custom, served];
TS

cat >typed.cts <<'TS'
import sluice = require('sluice');
import rx = require('@sluice/rx');
import type { Observable } from 'rxjs';

async function main(): Promise<string[]> {
  const listener = await sluice.listen({ host: '127.0.0.1', port: 0 });
  const conn = await sluice.connect(listener.address);
  const io = conn.framed(sluice.lines());
  const words: Observable<string> = rx.observe(io);
  void words;
  return sluice.pipe(io, sluice.collect());
}
void main;
TS

cat >tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "types": ["node"],
    "strict": true,
    "skipLibCheck": false,
    "noEmit": true
  },
  "files": ["typed.mts", "typed.cts"]
}
JSON

echo "== ESM"
node esm.mjs
echo "== CommonJS"
node cjs.cjs
echo "== tsc --noEmit (module nodenext) against the published types"
npx --no-install tsc -p tsconfig.json
echo "== sluice bin"
npx --no-install sluice --help | head -n 3
# `sluice --version` is the installed package's own version, read from its package.json.
expected="$(node -p "require('sluice/package.json').version")"
actual="$(npx --no-install sluice --version)"
[[ "$actual" == "$expected" ]] || { echo "FAIL sluice --version printed '$actual', its package.json says '$expected'" >&2; exit 1; }
echo "sluice --version: $actual"

# 4. A consumer who never touches RxJS: `sluice` alone, no rxjs in its package.json, and none
# installed (it is an optional peer of sluice and @sluice/rx, so npm does not add it).
echo "== a consumer without rxjs"
mkdir -p "$work/bare"
cd "$work/bare"
cat >package.json <<JSON
{
  "name": "sluice-consumer-without-rxjs",
  "private": true,
  "version": "0.0.0",
  "dependencies": { "sluice": "file:$sluice_tgz" },
  "overrides": { $joined }
}
JSON
npm install --no-audit --no-fund --loglevel=error
[[ ! -e node_modules/rxjs ]] || { echo "FAIL npm installed rxjs for a consumer of sluice alone" >&2; exit 1; }

cat >bare.mjs <<'JS'
import assert from 'node:assert/strict';
import { collect, connect, lines, listen, pipe } from 'sluice';

const listener = await listen({ host: '127.0.0.1', port: 0 });
const served = listener.serve(async (conn) => {
  const io = conn.framed(lines());
  for await (const line of io) await io.write(line.toUpperCase());
});
const conn = await connect(listener.address);
const io = conn.framed(lines());
await io.write('no rxjs here');
await io.closeWrite();
assert.deepEqual(await pipe(io, collect()), ['NO RXJS HERE']);
await listener.close();
await served;
// What needs rxjs says so, naming it.
await assert.rejects(import('sluice/rx'), (error) => error.code === 'ERR_MODULE_NOT_FOUND' && /'rxjs'/.test(error.message));
console.log('ESM without rxjs: sluice loads and echoes; sluice/rx asks for rxjs');
JS
cat >bare.cjs <<'JS'
const assert = require('node:assert/strict');
const { connect, lines, listen } = require('sluice');
assert.equal(typeof connect, 'function');
assert.equal(typeof listen, 'function');
assert.equal(typeof lines, 'function');
assert.throws(() => require('sluice/rx'), (error) => error.code === 'MODULE_NOT_FOUND' && /'rxjs'/.test(error.message));
console.log('CJS without rxjs: sluice loads; sluice/rx asks for rxjs');
JS
node bare.mjs
node bare.cjs
echo "consumer-smoke: OK"
