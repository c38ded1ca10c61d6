// Request DTOs whose unknown fields are accepted (kept or dropped, never refused): their schemas
// keep additionalProperties open; every other request schema is closed (see finishDocument).
export const OPEN_SCHEMAS = new Set<string>();

export const AcceptsUnknownFields = (): ClassDecorator => (target) => {
  OPEN_SCHEMAS.add(target.name);
};

// Decorators run before configuration is read: a schema that is limited by a configured value
// carries this marker, and finishDocument writes the configured number into maxItems.
export const CONFIG_LIMIT = 'x-max-items-from';
export type ConfigLimit = 'MAX_FILES_PER_MSG';
export const maxItemsFrom = (limit: ConfigLimit): Record<string, ConfigLimit> => ({ [CONFIG_LIMIT]: limit });
