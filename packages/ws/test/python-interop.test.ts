/**
 * A Sluice WebSocket client against a server written with Python's
 * `websockets` (Debian's python3-websockets, installed by scripts/setup.sh):
 * JSON values one per text message, binary frames as binary messages.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { json, lengthPrefixed } from '@sluice/codec';
import { connect, messages } from '@sluice/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PYTHON = process.env.SLUICE_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./fixtures/python-echo.py', import.meta.url));
const skip = process.env.SLUICE_SKIP_PYTHON === '1';

describe.skipIf(skip)('interop with a Python websockets server', () => {
  let server: ChildProcess;
  let port = 0;

  beforeAll(async () => {
    server = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
    const [first] = (await Promise.race([
      once(server.stdout!, 'data'),
      once(server, 'exit').then(() => {
        throw new Error(
          `${PYTHON} could not start the websockets peer (run scripts/setup.sh, or set SLUICE_SKIP_PYTHON=1): ${stderr}`,
        );
      }),
    ])) as [Buffer];
    port = Number(String(first).trim());
  }, 10_000);

  afterAll(async () => {
    server.stdin?.end();
    if (server.exitCode === null) await once(server, 'exit');
  });

  it('echoes JSON values, one per text message', async () => {
    await using conn = await connect(`ws://127.0.0.1:${port}`);
    const io = conn.framed(json({ framing: messages() }));
    const values = [{ hello: 'python' }, [1, 2, 3], 'ünïcödé', null];
    await io.writeAll(values);
    const back: unknown[] = [];
    for (let i = 0; i < values.length; i++) back.push(await io.read());
    expect(back).toEqual(values);
  });

  it('echoes binary frames that span messages', async () => {
    await using conn = await connect(`ws://127.0.0.1:${port}`);
    const codec = lengthPrefixed({ width: 2 });
    const bytes = codec.encoder().encode(Uint8Array.from({ length: 300 }, (_, i) => i % 256));
    await conn.write(bytes.subarray(0, 100)); // two binary messages, one frame
    await conn.write(bytes.subarray(100));
    const frame = await conn.framed(codec).read();
    expect(frame?.length).toBe(300);
    expect(frame?.[299]).toBe(299 % 256);
  });
});
