import type { FastifyPluginAsync } from 'fastify';
import { SYSTEM_ACTOR, type Actor } from '../../../security/roles.js';
import { CAPTURE_FILES, CONTENT_TYPES, type CaptureFileName, type CaptureStorePort } from '../capture-store-port.js';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } } };

/** The capture list, reports and files, approve and delete: operators only. */
export const capturesRoutes: FastifyPluginAsync<{ store: CaptureStorePort }> = async (app, { store }) => {
  const actor = (req: { principal: { actor: Actor | null } }): Actor => req.principal.actor ?? SYSTEM_ACTOR;
  app.get(
    '/api/captures',
    {
      config: { role: 'operator' },
      schema: {
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'ts', 'qualityScaled'],
              properties: { id: { type: 'string' }, ts: { type: 'number' }, qualityScaled: { type: 'number' }, approved: { type: 'boolean' }, pending: { type: 'boolean' }, trigger: { type: 'string' } },
            },
          },
        },
      },
    },
    async () => store.list(),
  );
  app.get<{ Params: { id: string } }>('/api/captures/:id', { config: { role: 'operator' }, schema: { params: idParam } }, async (req, reply) => {
    const report = await store.report(req.params.id);
    if (report === undefined) return reply.code(404).send({ error: 'no such capture' });
    return report;
  });
  app.get<{ Params: { id: string; file: string } }>(
    '/api/captures/:id/:file',
    {
      config: { role: 'operator' },
      schema: {
        params: {
          type: 'object',
          required: ['id', 'file'],
          properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, file: { enum: [...CAPTURE_FILES] } },
        },
      },
    },
    async (req, reply) => {
      const name = req.params.file as CaptureFileName;
      const buf = await store.file(req.params.id, name);
      if (!buf) return reply.code(404).send({ error: 'no such capture file' });
      return reply.type(CONTENT_TYPES[name]).header('cache-control', 'no-store').send(buf);
    },
  );
  app.delete<{ Params: { id: string } }>('/api/captures/:id', { config: { role: 'operator' }, schema: { params: idParam } }, async (req, reply) => {
    if (!(await store.delete(req.params.id, actor(req)))) return reply.code(404).send({ error: 'no such capture' });
    return { deleted: req.params.id };
  });
  app.post<{ Params: { id: string } }>('/api/captures/:id/approve', { config: { role: 'operator' }, schema: { params: idParam } }, async (req, reply) => {
    if (!(await store.approve(req.params.id, actor(req)))) return reply.code(404).send({ error: 'no such capture' });
    return { approved: req.params.id };
  });
};
