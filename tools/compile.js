// Compiles apps and libs to dist/ with swc, with the one configuration
// (swc-options.js: .swcrc plus tsconfig.base.json's paths), then the console
// web app with Vite (build-console.js; the gateway serves dist/apps/console).
// Used by the build (scripts/lib.sh) and the image (deploy/Dockerfile).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root, buildOptions } = require('./swc-options');

const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hookstream-swc-')), 'swcrc.json');
fs.writeFileSync(config, JSON.stringify(buildOptions()));
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('@swc/cli/bin/swc.js'), 'apps', 'libs', '-d', 'dist', '--config-file', config, '--copy-files', '--quiet', '--ignore', 'apps/console/**'], { cwd: root, stdio: 'inherit' });
require('./build-console');
