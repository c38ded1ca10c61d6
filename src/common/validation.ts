import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from './errors';
import { UNSAFE_TEXT_MESSAGE, unsafeTextPath } from './safe-text';

function firstMessage(errors: ValidationError[], parent = ''): string {
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      const constraint = Object.values(error.constraints)[0] ?? 'is invalid';
      // class-validator messages start with the property name; replace it with the full path.
      return constraint.startsWith(error.property) ? `${path}${constraint.slice(error.property.length)}` : `${path}: ${constraint}`;
    }
    if (error.children?.length) return firstMessage(error.children, path);
  }
  return 'Request is invalid';
}

const CLIENT_INPUTS = new Set<ArgumentMetadata['type']>(['body', 'query', 'param']);

// Every input of every route, before its DTO: U+0000 and unpaired surrogates are refused wherever
// they are (values and keys, nested included), so a field added tomorrow cannot forget the rule.
// The OpenAPI says the same with a pattern on every request string (finishDocument).
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (CLIENT_INPUTS.has(metadata.type)) {
      const path = unsafeTextPath(value, metadata.data ?? '');
      if (path) throw new AppError('validation_error', `${path} ${UNSAFE_TEXT_MESSAGE}`);
    }
    return super.transform(value, metadata);
  }
}

export const validationPipe = new AppValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: true,
  exceptionFactory: (errors) => new AppError('validation_error', firstMessage(errors)),
});
