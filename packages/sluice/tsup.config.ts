import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base.js';

export default defineConfig([
  packageBuild({ platform: 'node' }),
  // The CLI: one ESM file with a shebang, referenced by `bin`.
  packageBuild({ platform: 'node', entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false }),
]);
