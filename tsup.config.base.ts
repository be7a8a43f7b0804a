/**
 * Shared tsup settings: every package builds `src/index.ts` to ESM
 * (`dist/index.js`), CJS (`dist/index.cjs`) and declarations for both
 * (`dist/index.d.ts`, `dist/index.d.cts`). Dependencies stay external.
 */
import type { Options } from 'tsup';

export const packageBuild = (overrides: Options = {}): Options => ({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'neutral',
  tsconfig: 'tsconfig.build.json',
  ...overrides,
});
