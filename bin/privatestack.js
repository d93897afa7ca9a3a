#!/usr/bin/env node
// Runs the built CLI (npm run build writes dist/). `npm start` builds first.
// This file and node-version.js use only syntax old Node.js versions parse (no `??`, `?.` or
// top-level await), so that a too-old Node prints the version message instead of a SyntaxError;
// everything else is loaded by a dynamic import after the check.
import { exitUnlessNodeSupported } from './node-version.js';

// First, before the built code and its dependencies fail on a too-old Node in their own words.
exitUnlessNodeSupported();
import('./launch.js');
