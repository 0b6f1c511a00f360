import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Serves the built UI (ui/dist): `/` is the kiosk view, `/operator` the operator view. Offline, no CDN. */
export const uiStatic: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  // the UI shell (HTML, scripts, styles, the login form) holds no data: every route of this plugin is public
  app.addHook('onRoute', (r) => {
    r.config = { ...r.config, role: 'public' };
  });
  const index = path.join(root, 'index.html');
  if (!existsSync(index)) {
    app.get('/', async (_req, reply) =>
      reply.type('text/html').send('<!doctype html><title>PLQ kiosk</title><p>The UI is not built: run <code>npm run build:ui</code>.</p>'),
    );
    return;
  }
  await app.register(fastifyStatic, { root, prefix: '/', index: false, wildcard: false });
  const operator = existsSync(path.join(root, 'operator.html')) ? 'operator.html' : 'index.html';
  app.get('/', async (_req, reply) => reply.type('text/html').sendFile('index.html'));
  app.get('/operator', async (_req, reply) => reply.type('text/html').sendFile(operator));
};
