/** The three stream transports every net property test runs over. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectOptions, Listener, ListenOptions } from '@sluice/net';
import * as certs from './tls.js';

export interface Transport {
  name: string;
  listenOptions(): ListenOptions;
  connectOptions(listener: Listener): ConnectOptions;
}

let pathCounter = 0;

export const tcp: Transport = {
  name: 'TCP',
  listenOptions: () => ({ host: '127.0.0.1', port: 0 }),
  connectOptions: (listener) => ({ ...listener.address }),
};

export const ipc: Transport = {
  name: 'IPC',
  listenOptions: () => ({ path: join(tmpdir(), `sluice-test-${process.pid}-${pathCounter++}.sock`) }),
  connectOptions: (listener) => ({ ...listener.address }),
};

export const secure: Transport = {
  name: 'TLS',
  listenOptions: () => ({ host: '127.0.0.1', port: 0, tls: certs.server }),
  connectOptions: (listener) => ({
    host: 'localhost',
    port: 'port' in listener.address ? listener.address.port : 0,
    tls: { ca: certs.ca },
  }),
};

/** Runs of a property test: small by default, raised with FC_NUM_RUNS. */
export const numRuns = (fallback: number): number => Number(process.env.FC_NUM_RUNS ?? fallback);
