import { SetMetadata } from '@nestjs/common';
import type { ErrorCode } from '../common/errors';

// Route-specific errors an operation can answer, as `code` or [`code`, when]. The errors every
// route shares (401/429 on session routes, 400/413 for a request body, 500) are added by
// finishDocument from the route's own metadata, so they are not repeated here.
export type DeclaredError = ErrorCode | readonly [ErrorCode, string];

const API_ERRORS = 'support-bff:api-errors';

export function ApiErrors(...errors: DeclaredError[]): MethodDecorator & ClassDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value ?? target) as object;
    const previous = (Reflect.getMetadata(API_ERRORS, holder) as DeclaredError[] | undefined) ?? [];
    Reflect.defineMetadata(API_ERRORS, [...previous, ...errors], holder);
  };
}

const OWN_AUTH = 'support-bff:api-own-auth';
export type SecurityRequirement = Record<string, string[]>;

// A @Public() route that authenticates the caller itself (e.g. a session or a stream ticket): the
// document declares these alternatives as its security, and its 401.
export function ApiOwnAuth(...requirements: SecurityRequirement[]): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(OWN_AUTH, requirements, descriptor.value as object);
  };
}

export function ownAuth(holder: object): SecurityRequirement[] | undefined {
  return Reflect.getMetadata(OWN_AUTH, holder) as SecurityRequirement[] | undefined;
}

export function declaredErrors(holder: object): DeclaredError[] {
  return (Reflect.getMetadata(API_ERRORS, holder) as DeclaredError[] | undefined) ?? [];
}

// Marks a route (or controller) as documented without the session security requirement. The auth
// module's @Public() applies it, so this folder reads its own marker and never imports auth.
const OPENAPI_PUBLIC = 'support-bff:openapi-public';
export const ApiPublic = (): MethodDecorator & ClassDecorator => SetMetadata(OPENAPI_PUBLIC, true);
export const isDocumentedPublic = (target: object): boolean => Reflect.getMetadata(OPENAPI_PUBLIC, target) === true;
