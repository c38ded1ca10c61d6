import type { FastifyInstance } from 'fastify';
import type { Store } from './store';
import type { EmulatorControl } from './types';

/** The HTTP face of EmulatorControl, outside Intercom's paths and without auth. */
export function controlRoutes(app: FastifyInstance, control: EmulatorControl, store: Store): void {
  app.get('/_emulator/requests', async () => ({ requests: control.requests(), counts: control.requestCounts() }));
  app.delete('/_emulator/requests', async (_req, reply) => reply.code(204).send());
  app.addHook('onRequest', async (req) => {
    // DELETE /_emulator/requests resets before the (empty) handler answers.
    if (req.method === 'DELETE' && req.url.split('?')[0] === '/_emulator/requests') control.resetRequests();
  });

  app.get('/_emulator/faults', async () => ({ faults: control.faults(), hanging: control.hangingRequests() }));
  app.post('/_emulator/faults', async (req, reply) => {
    try {
      return reply.code(201).send(control.addFault(req.body ?? {}));
    } catch (e) {
      return reply.code(400).send({ error: (e as Error).message });
    }
  });
  app.delete('/_emulator/faults', async (_req, reply) => {
    control.clearFaults();
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/_emulator/faults/:id', async (req, reply) => {
    control.clearFaults(req.params.id);
    return reply.code(204).send();
  });

  app.get('/_emulator/violations', async () => ({ violations: control.violations() }));
  app.delete('/_emulator/violations', async (_req, reply) => {
    control.clearViolations();
    return reply.code(204).send();
  });

  app.get('/_emulator/webhooks', async () => control.webhooks());
  app.delete('/_emulator/webhooks', async (_req, reply) => {
    control.clearWebhooks();
    return reply.code(204).send();
  });
  app.put('/_emulator/webhooks/config', async (req, reply) => {
    const url = (req.body as { url?: string } | undefined)?.url;
    control.setWebhookUrl(url || undefined);
    return reply.code(204).send();
  });

  app.post('/_emulator/reset', async (_req, reply) => {
    control.reset();
    return reply.code(204).send();
  });

  // Re-hosted attachment bytes (what attachment objects' `url` points at).
  app.get<{ Params: { id: string; name: string } }>('/_emulator/files/:id/:name', async (req, reply) => {
    const f = store.files.get(req.params.id);
    if (!f) return reply.code(404).send({ error: 'not found' });
    return reply.header('content-type', f.contentType).header('content-length', String(f.bytes.length)).send(f.bytes);
  });
}
