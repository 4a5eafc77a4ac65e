import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError } from './api-error';

const ERROR_CODE = /^[a-z][a-z_]*$/;

/** Attach to a class-validator decorator: `{ context: code('url_invalid') }`. */
export const code = (errorCode: string) => ({ code: errorCode });

function collectCodes(errors: ValidationError[], into: Set<string>): void {
  for (const error of errors) {
    for (const constraint of Object.keys(error.constraints ?? {})) {
      if (constraint === 'whitelistValidation') {
        into.add('field_unknown');
        continue;
      }
      const fromContext = (error.contexts?.[constraint] as { code?: string } | undefined)?.code;
      // ValidateBy-made validators lose their context: they name the code as their message.
      const message = error.constraints?.[constraint] ?? '';
      into.add(fromContext ?? (ERROR_CODE.test(message) ? message : `${error.property}_invalid`));
    }
    collectCodes(error.children ?? [], into);
  }
}

/** class-validator errors -> 422 request_invalid with specific error codes. */
export function validationErrorCodes(errors: ValidationError[]): string[] {
  const codes = new Set<string>();
  collectCodes(errors, codes);
  return [...codes];
}

/** Unknown fields and wrong types are 422, with the codes the DTOs name. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => ApiError.invalid(validationErrorCodes(errors)),
  });
}
