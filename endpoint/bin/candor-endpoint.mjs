#!/usr/bin/env node
// Starts the reference endpoint, building it first if its sources changed (see ../build.mjs).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE, ensureBuilt } from '../build.mjs';

await ensureBuilt();
await import(pathToFileURL(path.resolve(BUNDLE)).href);
