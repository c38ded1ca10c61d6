import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from './errors';

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

export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: true,
  exceptionFactory: (errors) => new AppError('validation_error', firstMessage(errors)),
});
