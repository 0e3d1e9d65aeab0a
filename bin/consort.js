#!/usr/bin/env node
// Entry point of the `consort` command: registers tsx's ESM hooks (TypeScript runs directly, no
// build step) and loads the CLI.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
