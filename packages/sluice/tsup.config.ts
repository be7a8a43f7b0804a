import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base.js';

// `pnpm build` empties dist/ first (the three builds run at once: none of them may clean).
export default defineConfig([
  // `sluice` (dist/index.*), Node's. Built apart from `sluice/rx`: together, the declarations of one import the other's.
  packageBuild({ platform: 'node', clean: false }),
  // `sluice/rx` (dist/rx.*): `@sluice/rx`, the one entry that loads rxjs.
  packageBuild({ platform: 'node', entry: ['src/rx.ts'], clean: false }),
  // The browser's (dist/browser.*), which bundlers pick through the `browser` export condition: no @sluice/net.
  packageBuild({ entry: ['src/browser.ts'], format: ['esm'], platform: 'browser', clean: false }),
  // The CLI: one ESM file with a shebang, referenced by `bin`.
  packageBuild({ platform: 'node', entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false }),
]);
