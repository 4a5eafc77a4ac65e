// The one swc configuration: `.swcrc`, which the build uses, read here for
// the test transform (jest.config.js) and the source loader
// (tools/ts-register.js), so all three compile and resolve
// `@hookstream/*` imports alike.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** `.swcrc` for in-process compiling: inline source maps, and an absolute baseUrl for its paths. */
function swcOptions() {
  const { $schema, exclude, ...rc } = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
  return { ...rc, swcrc: false, sourceMaps: 'inline', jsc: { ...rc.jsc, baseUrl: root } };
}

module.exports = { root, swcOptions };
