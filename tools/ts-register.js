// Runs TypeScript sources directly (dev mode and test child processes):
// compiles each .ts file with swc on load and maps @hookstream/* imports to
// libs/*/src, exactly as tsconfig paths and the build do.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const match = /^@hookstream\/([^/]+)$/.exec(request);
  const target = match ? path.join(root, 'libs', match[1], 'src', 'index.ts') : request;
  return resolveFilename.call(this, target, parent, ...rest);
};

require.extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
  });
  module._compile(code, filename);
};
