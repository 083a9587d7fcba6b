#!/usr/bin/env node
// Entry point of `npm start`: the worker (and, without TEMPORAL_ADDRESS, the embedded Temporal
// dev server), compiled (or from its sources in development, see load.js).
'use strict';
const { loadEntry } = require('./load');

loadEntry('worker/main');
