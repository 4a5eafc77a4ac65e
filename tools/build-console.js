// Builds the console (apps/console) with Vite into dist/apps/console, which the
// gateway serves at /console. Run by tools/compile.js (the build and the image)
// and scripts/dev.sh; `--watch` rebuilds on change.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const watch = process.argv.includes('--watch') ? ['--watch'] : [];
execFileSync(process.execPath, [path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js'), 'build', '--config', 'apps/console/vite.config.mts', '--logLevel', 'warn', ...watch], {
  cwd: root,
  stdio: 'inherit',
});
