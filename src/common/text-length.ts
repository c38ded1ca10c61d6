import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ValidateBy, type ValidationArguments } from 'class-validator';

// Length as JSON Schema counts it (RFC 8259 code points; a lone surrogate counts as one), so that
// `minLength`/`maxLength` in the OpenAPI mean exactly what the server enforces. class-validator's
// Length counts neither UTF-16 units nor code points (it also skips U+FE0E/U+FE0F).
export function codePointLength(text: string): number {
  let length = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index += 1;
    }
    length += 1;
  }
  return length;
}

// A string of min..max code points; also sets minLength/maxLength on the property's schema.
export function TextLength(min: number, max: number): PropertyDecorator {
  const describe = min > 0 ? `${min} to ${max}` : `at most ${max}`;
  return applyDecorators(
    ApiProperty({ minLength: min > 0 ? min : undefined, maxLength: max }),
    ValidateBy({
      name: 'textLength',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && codePointLength(value) >= min && codePointLength(value) <= max,
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must be a string of ${describe} characters`,
      },
    }),
  );
}
