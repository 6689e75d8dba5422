#!/usr/bin/env node
// `converge` (package.json "bin"): runs the TypeScript entry through tsx, as `npm start` does.
import { register } from 'tsx/esm/api';

register();
await import('../src/bin/converge.ts');
