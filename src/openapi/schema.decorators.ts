// Request DTOs whose unknown fields are accepted (kept or dropped, never refused): their schemas
// keep additionalProperties open; every other request schema is closed (see finishDocument).
export const OPEN_SCHEMAS = new Set<string>();

export const AcceptsUnknownFields = (): ClassDecorator => (target) => {
  OPEN_SCHEMAS.add(target.name);
};

// A request DTO that needs at least one of several optional fields (checked by its service): the
// schema says so with anyOf of `required` lists.
export const ONE_OF_REQUIRED = new Map<string, string[]>();

export const RequiresOneOf =
  (...fields: string[]): ClassDecorator =>
  (target) => {
    ONE_OF_REQUIRED.set(target.name, fields);
  };

// Decorators run before configuration is read: a schema that is limited by a configured value
// carries this marker, and finishDocument writes the configured number into maxItems.
export const CONFIG_LIMIT = 'x-max-items-from';
export type ConfigLimit = 'MAX_FILES_PER_MSG';
export const maxItemsFrom = (limit: ConfigLimit): Record<string, ConfigLimit> => ({ [CONFIG_LIMIT]: limit });

// Like CONFIG_LIMIT, for a string that must be one of a configured list when the list is set: finishDocument
// writes the list into `enum` (and drops the marker when it is unset).
export const CONFIG_ENUM = 'x-enum-from';
export type ConfigEnum = 'CONVERSATION_TOPICS';
export const enumFrom = (list: ConfigEnum): Record<string, ConfigEnum> => ({ [CONFIG_ENUM]: list });

// On a request object with free keys (a map, or additionalProperties: true): whether the server refuses U+0000 and
// unpaired surrogates in its keys and strings (true), or stores them cleaned (false). finishDocument
// requires one or the other.
export const SAFE_TEXT_EXTENSION = 'x-safe-text';
