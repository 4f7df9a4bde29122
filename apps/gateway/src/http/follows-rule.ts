import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { fieldRuleMessage, type FieldRule } from '@platform/common';
import { ValidateBy } from 'class-validator';

/**
 * A body field checked by one of the platform's field rules (`libs/common/src/validation`): the same test and the
 * same message as the owning service gives, and the rule's pattern and lengths in the OpenAPI document.
 */
export function FollowsRule(rule: FieldRule, doc: { example?: string; description?: string; optional?: boolean } = {}) {
  const { optional, ...rest } = doc;
  const schema = { ...rest, minLength: rule.min, maxLength: rule.max, pattern: rule.pattern.source };
  return applyDecorators(
    optional ? ApiPropertyOptional(schema) : ApiProperty(schema),
    ValidateBy({
      name: 'followsRule',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && rule.test(value),
        defaultMessage: (args) => fieldRuleMessage(rule, args?.property ?? 'value'),
      },
    }),
  );
}
