/**
 * A short soak in CI: `bench/soak.ts --seconds 3` in its own process, with
 * connection churn over TCP, IPC and TLS and misbehaving clients. It must
 * exit 0 (nothing lost, nothing leaked, every misbehaviour refused with its
 * code), and its report must show that the churn really happened. The long
 * run is the same script: `pnpm exec tsx bench/soak.ts --seconds 600`.
 */
import { describe, expect, it } from 'vitest';
import { startTs } from '../support/processes.js';

interface SoakReport {
  sessions: number;
  framesSent: number;
  framesEchoed: number;
  framesLost: number;
  misbehaviours: Record<string, number>;
  serverErrors: Record<string, number>;
  clientFailures: Record<string, number>;
  leaked: Record<string, number>;
  heapGrowthMiB: number;
  failures: string[];
  samples: { rssMiB: number; heapMiB: number }[];
}

describe('soak', () => {
  it('3 seconds of churn with misbehaving clients: nothing lost, nothing leaked, every fault refused with its code', async () => {
    const child = startTs('bench/soak.ts', ['--seconds', '3', '--concurrency', '16', '--json']);
    const [line] = await child.waitFor(/^\{.*\}$/m, 60_000);
    const code = await child.exited;
    const report = JSON.parse(line) as SoakReport;
    console.log(
      `soak: ${report.sessions} sessions, ${report.framesEchoed} frames, misbehaviours ${JSON.stringify(report.misbehaviours)}, ` +
        `server errors ${JSON.stringify(report.serverErrors)}, heap +${report.heapGrowthMiB} MiB, peak rss ${Math.max(...report.samples.map((s) => s.rssMiB))} MiB`,
    );
    expect(report.failures).toEqual([]);
    expect(code).toBe(0);
    expect(report.sessions).toBeGreaterThan(100);
    expect(report.framesLost).toBe(0);
    expect(report.framesEchoed).toBe(report.framesSent);
    expect(report.clientFailures).toEqual({});
    expect(report.leaked).toEqual({});
    for (const kind of ['ERR_IDLE_TIMEOUT', 'ERR_FRAME_TOO_LONG', 'ERR_DECODE', 'ERR_TRUNCATED_FRAME']) {
      expect(report.misbehaviours[kind], kind).toBeGreaterThan(0);
      expect(report.serverErrors[kind], kind).toBeGreaterThan(0);
    }
  }, 90_000);
});
