import type { Ctx, Route } from './context';
import { badRequest, notFound } from './errors';
import { renderAdmin, renderTag } from './render';

export function adminsAndTagsRoutes(ctx: Ctx): Route[] {
  const { store } = ctx;
  return [
    { method: 'GET', path: '/admins', handler: () => [200, { type: 'admin.list', admins: store.admins.map(renderAdmin) }] },
    {
      method: 'GET',
      path: '/tags',
      handler: () => [200, { type: 'list', data: [...store.tags.values()].map((t) => renderTag(store, t)) }],
    },
    {
      method: 'POST',
      path: '/tags',
      handler: ({ body }) => {
        const name = typeof body.name === 'string' ? body.name.trim() : '';
        if (!name) throw badRequest('name is required', 'parameter_not_found');
        if (body.id !== undefined) {
          // With an id, Intercom renames that tag.
          const t = store.tags.get(String(body.id));
          if (!t) throw notFound('Tag not found');
          t.name = name;
          return [200, { type: 'tag', id: t.id, name: t.name }];
        }
        // Creating an existing name answers the existing tag (Intercom's create-or-update).
        let t = [...store.tags.values()].find((x) => x.name === name);
        if (!t) {
          t = { id: store.nextId(), name };
          store.tags.set(t.id, t);
        }
        return [200, { type: 'tag', id: t.id, name: t.name }];
      },
    },
  ];
}
