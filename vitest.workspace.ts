/**
 * The root test configuration: one vitest project per package, all run on the
 * TypeScript sources (no build needed). Run with `pnpm test`, which points
 * vitest at this file (vitest 4 no longer discovers workspace files itself).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

const packages = ['core', 'codec', 'connection', 'net', 'rx', 'ws', 'sluice'] as const;

/** `packages/sluice/test/types/*.test-d.ts`: the published API's types, checked by tsc (no runtime). */
const typeTests = {
  enabled: true,
  include: ['test/types/**/*.test-d.ts'],
  tsconfig: './test/types/tsconfig.json',
};

export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@sluice\/connection\/transport$/,
        replacement: fileURLToPath(new URL('./packages/connection/src/for-transports.ts', import.meta.url)),
      },
      { find: /^@sluice\/(core|codec|connection|net|rx|ws)$/, replacement: source('$1') },
      { find: /^sluice$/, replacement: source('sluice') },
      { find: /^sluice\/rx$/, replacement: fileURLToPath(new URL('./packages/sluice/src/rx.ts', import.meta.url)) },
    ],
  },
  test: {
    projects: packages.map((name) => ({
      extends: true,
      test: {
        name,
        root: `./packages/${name}`,
        include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
        // Type-level tests of the public API (`expectTypeOf`), checked by tsc.
        ...(name === 'sluice' ? { typecheck: typeTests } : {}),
      },
    })),
  },
});
