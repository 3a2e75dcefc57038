// Browser bundles from web/dist (built by web/build.ts), served pre-compressed under /assets/.
import fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { distDir } from '../../../web/build.ts';

export default fp(
  async (app) => {
    fs.mkdirSync(distDir, { recursive: true });
    await app.register(fastifyStatic, { root: distDir, prefix: '/assets/', preCompressed: true, index: false, maxAge: '1h' });
  },
  { name: 'assets' },
);
