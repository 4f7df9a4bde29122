import type { ValidationError } from 'class-validator';

export interface FieldIssue {
  field: string;
  message: string;
}

/** Every problem with a request body at once, so the envelope can list them all. */
export class RequestValidationError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => i.message).join('; '));
    this.name = 'RequestValidationError';
  }

  static fromClassValidator(errors: ValidationError[], prefix = ''): RequestValidationError {
    const issues: FieldIssue[] = [];
    const walk = (list: ValidationError[], path: string) => {
      for (const e of list) {
        const field = path ? `${path}.${e.property}` : e.property;
        for (const message of Object.values(e.constraints ?? {})) issues.push({ field, message: message.replace(e.property, field) });
        if (e.children?.length) walk(e.children, field);
      }
    };
    walk(errors, prefix);
    return new RequestValidationError(issues);
  }
}
