#!/usr/bin/env node
// The `durable-sessions` command. The CLI is TypeScript that shares the extension's core;
// tsx runs it without a separate build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
