// Runs TypeScript sources directly (dev mode and test child processes):
// compiles each .ts file with swc on load, with the build's own `.swcrc`
// (see swc-options.js), whose paths turn @hookstream/* imports into
// relative ones.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');
const { swcOptions } = require('./swc-options');

const options = swcOptions();

require.extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
