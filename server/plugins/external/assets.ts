// Browser bundles from web/dist (built by `npm run build`, web/build.ts), served pre-compressed
// under /assets/. The pages link the content-hashed names of web/dist/manifest.json
// (web/manifest.ts): those are cached for a year; the plain names (respondent.js …) for an hour.
import fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { distDir, HASHED } from '../../../web/manifest.ts';

const YEAR = 'public, max-age=31536000, immutable';

export default fp(
  async (app) => {
    fs.mkdirSync(distDir, { recursive: true });
    await app.register(fastifyStatic, {
      root: distDir,
      prefix: '/assets/',
      preCompressed: true,
      index: false,
      maxAge: '1h',
      // @fastify/static passes the reply here (typed as the raw response)
      setHeaders: (reply, file) => {
        if (HASHED.test(file)) (reply as unknown as FastifyReply).header('cache-control', YEAR);
      },
    });
  },
  { name: 'assets' },
);
