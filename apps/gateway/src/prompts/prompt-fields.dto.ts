import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { BoundedJson, type JsonBounds } from '../http/bounded-json';

/**
 * The nested documents prompts and prompt-session entries share (seed 001, the SDK's Prompt, PromptWithExternal,
 * PromptData, ChatItem, PromptLock, model_version): their shapes and sizes are checked here, the domain rules (locks,
 * rendering) are the prompts service's. The seed's `[a-zA-Z0-9-]*` patterns are unanchored and match every string (its
 * own examples hold spaces), so names and texts are bounded by length only; the anchored ones (the semantic version,
 * a session's name) are enforced.
 */

/** Characters of one prompt text (instruction, prefixes, an example, a chat item): the management input class's longest string. */
export const PROMPT_TEXT_CHARS = 64 * 1024;
/** Free-form objects kept as sent: `model_parameters`, `prompt_variables`. */
export const PROMPT_FREE_FORM: JsonBounds = { bytes: 64 * 1024, depth: 6, keys: 100 };
export const MAX_EXAMPLES = 200;
/** The latest epoch milliseconds the prompts service takes (year 9999). */
export const MAX_EPOCH_MS = 253_402_300_799_999;
export const MAX_CHAT_ITEMS = 500;
export const INPUT_MODES = ['structured', 'freeform', 'chat', 'detached'] as const;
export const LOCK_TYPES = ['edit', 'governance'] as const;
/** The seed's model_version.number pattern: a semantic version (semver.org's). */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Rows of strings (`examples`, `input`): at most `rows` rows of at most `cols` strings of at most PROMPT_TEXT_CHARS. */
export function StringRows(rows: number, cols: number): PropertyDecorator {
  return ValidateBy({
    name: 'stringRows',
    validator: {
      validate: (v: unknown) =>
        Array.isArray(v) &&
        v.length <= rows &&
        v.every(
          (row) => Array.isArray(row) && row.length <= cols && row.every((s) => typeof s === 'string' && s.length <= PROMPT_TEXT_CHARS),
        ),
      defaultMessage: (a) =>
        `${a?.property ?? 'value'} must be an array of at most ${rows} arrays of at most ${cols} strings of at most ${PROMPT_TEXT_CHARS} characters.`,
    },
  });
}

/** An object of string values (`prompt_variables` of an input request): at most `keys` keys. */
export function StringValues(keys: number): PropertyDecorator {
  return ValidateBy({
    name: 'stringValues',
    validator: {
      validate: (v: unknown) =>
        v !== null &&
        typeof v === 'object' &&
        !Array.isArray(v) &&
        Object.keys(v).length <= keys &&
        Object.entries(v).every(([k, s]) => k.length <= 256 && typeof s === 'string' && s.length <= PROMPT_TEXT_CHARS),
      defaultMessage: (a) =>
        `${a?.property ?? 'value'} must be an object of at most ${keys} variable names (≤ 256 characters) to string values (≤ ${PROMPT_TEXT_CHARS} characters).`,
    },
  });
}

export class ChatItemDto {
  @ApiProperty({ enum: ['question', 'answer'] }) @IsIn(['question', 'answer']) type!: 'question' | 'answer';
  @ApiProperty({ maxLength: PROMPT_TEXT_CHARS, example: 'Some text' }) @IsString() @MaxLength(PROMPT_TEXT_CHARS) content!: string;
  @ApiPropertyOptional({ enum: ['ready', 'error'] }) @IsOptional() @IsIn(['ready', 'error']) status?: 'ready' | 'error';
  @ApiPropertyOptional({ example: 1711504485261, description: 'Epoch milliseconds.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  timestamp?: number;
}

export class PromptDataDto {
  @ApiPropertyOptional({ maxLength: PROMPT_TEXT_CHARS }) @IsOptional() @IsString() @MaxLength(PROMPT_TEXT_CHARS) instruction?: string;
  @ApiPropertyOptional({ maxLength: PROMPT_TEXT_CHARS }) @IsOptional() @IsString() @MaxLength(PROMPT_TEXT_CHARS) input_prefix?: string;
  @ApiPropertyOptional({ maxLength: PROMPT_TEXT_CHARS }) @IsOptional() @IsString() @MaxLength(PROMPT_TEXT_CHARS) output_prefix?: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'array', items: { type: 'string' } }, example: [['input', 'output']] })
  @IsOptional()
  @StringRows(MAX_EXAMPLES, 8)
  examples?: string[][];
}

export class ExternalPromptDto {
  @ApiProperty({ maxLength: 2048 }) @IsString() @IsNotEmpty() @MaxLength(2048) url!: string;
  @ApiPropertyOptional({ description: 'Arrays of {key} objects.' })
  @IsOptional()
  @IsArray()
  @BoundedJson(PROMPT_FREE_FORM)
  additional_information?: Record<string, unknown>[][];
}

export class ExternalModelDto {
  @ApiProperty({ maxLength: 256 }) @IsString() @IsNotEmpty() @MaxLength(256) name!: string;
  @ApiProperty({ maxLength: 2048 }) @IsString() @IsNotEmpty() @MaxLength(2048) url!: string;
}

export class ExternalInformationDto {
  @ApiProperty({ maxLength: 256 }) @IsString() @IsNotEmpty() @MaxLength(256) external_prompt_id!: string;
  @ApiProperty({ maxLength: 256 }) @IsString() @IsNotEmpty() @MaxLength(256) external_model_id!: string;
  @ApiProperty({ maxLength: 256 }) @IsString() @IsNotEmpty() @MaxLength(256) external_model_provider!: string;
  @ApiPropertyOptional({ type: ExternalPromptDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExternalPromptDto)
  external_prompt?: ExternalPromptDto;
  @ApiPropertyOptional({ type: ExternalModelDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExternalModelDto)
  external_model?: ExternalModelDto;
}

/** The `prompt` of a session entry (the SDK's Prompt). */
export class PromptDto {
  @ApiPropertyOptional({ type: 'array', items: { type: 'array', items: { type: 'string' } }, example: [['Some text', '']] })
  @IsOptional()
  @StringRows(100, 8)
  input?: string[][];
  @ApiProperty({ maxLength: 256, example: 'ibm/granite-13b-chat-v2' }) @IsString() @IsNotEmpty() @MaxLength(256) model_id!: string;
  @ApiPropertyOptional({ description: 'Text generation parameters (decoding_method, max_new_tokens, …).', example: { max_new_tokens: 50 } })
  @IsOptional()
  @IsObject()
  @BoundedJson(PROMPT_FREE_FORM)
  model_parameters?: Record<string, unknown>;
  @ApiProperty({ type: PromptDataDto }) @IsObject() @ValidateNested() @Type(() => PromptDataDto) data!: PromptDataDto;
  @ApiPropertyOptional({ maxLength: PROMPT_TEXT_CHARS }) @IsOptional() @IsString() @MaxLength(PROMPT_TEXT_CHARS) system_prompt?: string;
  @ApiPropertyOptional({ type: [ChatItemDto], maxItems: MAX_CHAT_ITEMS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHAT_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ChatItemDto)
  chat_items?: ChatItemDto[];
}

/** The `prompt` of a prompt (the SDK's PromptWithExternal). */
export class PromptWithExternalDto extends PromptDto {
  @ApiPropertyOptional({ type: ExternalInformationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExternalInformationDto)
  external_information?: ExternalInformationDto;
}

export class ModelVersionDto {
  @ApiPropertyOptional({ example: '2.0.0-rc.7', description: 'A semantic version.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(SEMVER, { message: 'model_version.number must be a semantic version such as 2.0.0-rc.7.' })
  number?: string;
  @ApiPropertyOptional({ maxLength: 256 }) @IsOptional() @IsString() @MaxLength(256) tag?: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) description?: string;
}

/** A lock as given on create and PUT …/lock: `locked_by` is the server's to compute and is ignored. */
export class LockDto {
  @ApiProperty() @IsBoolean() locked!: boolean;
  @ApiPropertyOptional({ enum: LOCK_TYPES }) @IsOptional() @IsIn(LOCK_TYPES) lock_type?: (typeof LOCK_TYPES)[number];
  @ApiPropertyOptional({ description: 'Computed by the server; ignored.' }) @IsOptional() @IsString() @MaxLength(256) locked_by?: string;
}

/** `prompt_variables` of a prompt or entry: variable names to their defaults, as the prompts service renders them. */
export const PromptVariables = (): PropertyDecorator => {
  const decorators = [
    ApiPropertyOptional({ description: 'Template variables and their defaults.', example: { name: 'default value' } }),
    IsOptional(),
    IsObject(),
    BoundedJson(PROMPT_FREE_FORM),
  ];
  return (target, key) => decorators.forEach((d) => d(target, key));
};
