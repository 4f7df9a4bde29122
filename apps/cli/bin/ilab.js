#!/usr/bin/env node
'use strict';
// The `ilab` bin: runs the CLI from its TypeScript source, compiled on load by @swc-node/register, as the
// platform's services run. The repository tsconfig gives the @platform/* path aliases.
const { join } = require('node:path');

process.env.SWC_NODE_PROJECT = join(__dirname, '..', '..', '..', 'tsconfig.json');
require('@swc-node/register');
require('../src/main.ts');
