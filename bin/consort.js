#!/usr/bin/env node
// Entry point of the `consort` command: loads the TypeScript CLI through tsx's ESM loader.
import { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

register('tsx/esm', pathToFileURL('./'));
const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
await import(pathToFileURL(main).href);
