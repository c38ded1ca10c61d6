import type { Ctx, Route } from './context';
import { ApiError, badRequest } from './errors';
import { now, type DataAttribute } from './store';

const DATA_TYPES = new Set(['string', 'integer', 'float', 'boolean', 'date', 'datetime', 'options']);
// create_data_attribute_request examples: "Your name for this attribute must only contain
// alphanumeric characters, currency symbols, and hyphens" (underscores are what Intercom's own
// attribute names use, e.g. company_id, so they are allowed too).
const NAME = /^[\p{L}\p{N}\p{Sc}_-][\p{L}\p{N}\p{Sc}_ -]*$/u;

export function renderDataAttribute(a: DataAttribute): Record<string, unknown> {
  return {
    type: 'data_attribute',
    id: a.id,
    model: a.model,
    name: a.name,
    full_name: `custom_attributes.${a.name}`,
    label: a.name,
    description: a.description,
    data_type: a.data_type,
    ...(a.options ? { options: a.options } : {}),
    api_writable: true,
    messenger_writable: a.messenger_writable,
    ui_writable: true,
    custom: true,
    archived: a.archived,
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}

/** The Data Attributes API: custom contact and company attributes must exist before they are set. */
export function dataAttributesRoutes(ctx: Ctx): Route[] {
  const { store } = ctx;
  return [
    {
      method: 'GET',
      path: '/data_attributes',
      handler: ({ query }) => {
        const archived = query.include_archived === 'true';
        const data = store.dataAttributes.filter((a) => (!query.model || a.model === query.model) && (archived || !a.archived));
        return [200, { type: 'list', data: data.map(renderDataAttribute) }];
      },
    },
    {
      method: 'POST',
      path: '/data_attributes',
      handler: ({ body }) => {
        const name = typeof body.name === 'string' ? body.name.trim() : '';
        if (!name) throw badRequest('name is required', 'parameter_not_found');
        if (!NAME.test(name))
          throw badRequest('Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens');
        if (body.model !== 'contact' && body.model !== 'company')
          throw badRequest('The Data Attribute model field must be either contact or company');
        const dataType = String(body.data_type ?? '');
        if (!DATA_TYPES.has(dataType)) throw badRequest("Data Type isn't an option");
        const existing = store.dataAttributes.find((a) => a.name === name && a.model === body.model);
        if (existing) {
          const model = body.model === 'contact' ? 'people' : 'company';
          throw badRequest(`You already have '${name}' in your ${model} data. To save this as new ${model} data, use a different name.`);
        }
        const t = now();
        const attribute: DataAttribute = {
          id: Number(store.nextId()),
          model: body.model,
          name,
          data_type: dataType as DataAttribute['data_type'],
          description: typeof body.description === 'string' ? body.description : '',
          options: Array.isArray(body.options) ? (body.options as { value?: unknown }[]).map((o) => String(o.value)) : undefined,
          messenger_writable: body.messenger_writable === true,
          archived: false,
          created_at: t,
          updated_at: t,
        };
        store.dataAttributes.push(attribute);
        return [200, renderDataAttribute(attribute)];
      },
    },
    {
      method: 'PUT',
      path: '/data_attributes/{data_attribute_id}',
      handler: ({ params, body }) => {
        const attribute = store.dataAttributes.find((a) => String(a.id) === params.data_attribute_id);
        if (!attribute) throw new ApiError(404, 'field_not_found', "We couldn't find that data attribute to update");
        if (typeof body.archived === 'boolean') attribute.archived = body.archived;
        if (typeof body.description === 'string') attribute.description = body.description;
        if (typeof body.messenger_writable === 'boolean') attribute.messenger_writable = body.messenger_writable;
        attribute.updated_at = now();
        return [200, renderDataAttribute(attribute)];
      },
    },
  ];
}

/**
 * Intercom refuses values for attributes nobody defined: `parameter_invalid` "… attribute '…' does
 * not exist" (the description's own examples, "User attribute 'invalid_attr' does not exist" /
 * "Conversation attribute 'bad_attr' does not exist"; intercom/intercom-node#349 shows the same
 * answer on PUT /conversations/{id}). Conversation attributes cannot be created through the API
 * (Intercom-OpenAPI PR #119): only in the workspace settings, here `store.dataAttributes`.
 */
export function checkAttributesExist(ctx: Ctx, model: 'contact' | 'conversation', values: Record<string, unknown>): void {
  for (const key of Object.keys(values)) {
    const known = ctx.store.dataAttributes.some((a) => a.model === model && a.name === key && !a.archived);
    if (!known) throw badRequest(`${model === 'contact' ? 'User' : 'Conversation'} attribute '${key}' does not exist`);
  }
}
