#!/usr/bin/env node
// Runs the TypeScript sources directly: compiles each .ts file with @swc/core (already a dev
// dependency of the project) as it is required. Usage: npx node tools/intercom-emulator/bin/intercom-emulator.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  });
  module._compile(code, filename);
};

require(path.join(__dirname, '..', 'src', 'main.ts'));
