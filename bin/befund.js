#!/usr/bin/env node
// The `befund` command. The project is TypeScript run through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli.ts');
