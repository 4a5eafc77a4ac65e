// The one compile configuration: `.swcrc` (target, decorators, what the build
// skips) plus the path aliases of tsconfig.base.json, so the type-checker, the
// build (scripts/lib.sh), jest (jest.config.js) and the source loader
// (tools/ts-register.js) resolve `@hookstream/*` imports from one list.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const readJson = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

/** `.swcrc` with tsconfig.base.json's paths, for the build's CLI (tools/compile.js). */
function buildOptions() {
  const rc = readJson('.swcrc');
  const { paths } = readJson('tsconfig.base.json').compilerOptions;
  return { ...rc, jsc: { ...rc.jsc, baseUrl: root, paths } };
}

/** The same for in-process compiling: inline source maps, every file. */
function swcOptions() {
  const { $schema, exclude, ...rc } = buildOptions();
  return { ...rc, swcrc: false, sourceMaps: 'inline' };
}

module.exports = { root, buildOptions, swcOptions };
