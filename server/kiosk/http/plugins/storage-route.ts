import type { FastifyPluginAsync } from 'fastify';
import type { StoreHealth } from '../../capture/store-health.js';

/** GET /api/storage: can captures be written, free space, captures waiting in memory. */
export const storageRoute: FastifyPluginAsync<{ health: () => StoreHealth }> = async (app, { health }) => {
  app.get(
    '/api/storage',
    {
      config: { role: 'operator' },
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['writable', 'freeBytes', 'minFreeBytes', 'lowSpace', 'pending', 'maxPending', 'lastError'],
            properties: {
              writable: { type: 'boolean' },
              freeBytes: { type: ['number', 'null'] },
              minFreeBytes: { type: 'number' },
              lowSpace: { type: 'boolean' },
              pending: { type: 'integer' },
              maxPending: { type: 'integer' },
              lastError: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    async () => health(),
  );
};
