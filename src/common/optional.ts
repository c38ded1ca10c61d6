import { ValidateIf } from 'class-validator';

// An optional request field: absent is fine, null is not (class-validator's IsOptional lets null
// through, which the OpenAPI — a non-nullable type — does not allow).
export const Optional = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);
