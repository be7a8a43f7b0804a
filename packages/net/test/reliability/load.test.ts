/**
 * Load: at least 5,000 connections held open at the same time against one
 * `serve()` echo, each exchanging frames once all are open; every frame must
 * come back intact, nothing may fail, and every handle must be released.
 *
 * Each connection costs two file descriptors here (client and server ends).
 * If the soft limit is too low, the scenario runs in a child process whose
 * shell raises it first (`ulimit -n`), as a CI machine may need.
 */
import { describe, expect, it } from 'vitest';
import { handlesSettleTo, socketHandles } from '../../../../test-support/handles.js';
import { holdConnections, type LoadResult } from '../support/load.js';
import { openFileLimit, start } from '../support/processes.js';

const CONNECTIONS = Number(process.env['SLUICE_LOAD_CONNECTIONS'] ?? 5000);
const FRAMES = 20;
const needed = 2 * CONNECTIONS + 512;

describe('load', () => {
  it(`holds ${CONNECTIONS} connections at once, each exchanging ${FRAMES} frames through serve(), nothing lost`, async () => {
    const baseline = socketHandles();
    const limit = openFileLimit();
    const inChild = limit < needed || process.env['SLUICE_LOAD_IN_CHILD'] !== undefined;
    let result: LoadResult;
    if (!inChild) {
      result = await holdConnections({ connections: CONNECTIONS, frames: FRAMES, batch: 500 });
    } else {
      const script = `ulimit -n ${needed} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" --import tsx packages/net/test/support/load-main.ts ${CONNECTIONS} ${FRAMES} 500`;
      const child = start('sh', ['-c', script, process.execPath]);
      const [line] = await child.waitFor(/^\{.*\}$/m, 90_000);
      expect(await child.exited).toBe(0);
      result = JSON.parse(line) as LoadResult;
    }
    console.log(`load (${inChild ? 'child process' : 'in-process'}, ulimit -n ${limit}):`, JSON.stringify(result));
    expect(result.errors).toEqual({});
    expect(result.peakOpen).toBe(CONNECTIONS);
    expect(result.framesEchoed).toBe(result.framesSent);
    expect(result.framesSent).toBe(CONNECTIONS * FRAMES);
    expect(await handlesSettleTo(baseline, 10_000)).toBe(baseline);
  }, 120_000);
});
