import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base.js';

// Two builds: Node's (with socket$ and listen$ on @sluice/net), and the browser's without
// them, which bundlers pick through the `browser` export condition. `pnpm build` empties dist/ first.
export default defineConfig([
  packageBuild({ platform: 'node', clean: false }),
  packageBuild({ entry: ['src/browser.ts'], format: ['esm'], platform: 'neutral', clean: false }),
]);
