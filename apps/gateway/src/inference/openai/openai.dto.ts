import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  GUIDED_CHOICE_MAX_CHARS,
  GUIDED_CHOICE_MAX_ITEMS,
  GUIDED_GRAMMAR_MAX_CHARS,
  GUIDED_REGEX_MAX_CHARS,
  IsGuidedJson,
} from '../guided-options';
import { ChatMessageDto } from '../inference.dto';
import { MAX_CHOICES } from './openai-controls';

export class StreamOptionsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() include_usage?: boolean;
}

/** Fields /completions and /chat/completions share. */
class SamplingRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300) model!: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) max_tokens?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(2) temperature?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(1) top_p?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() seed?: number;
  /** A string or up to 4 strings; checked when mapped. */
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) @Allow() stop?: unknown;
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CHOICES, description: 'how many choices to generate' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_CHOICES)
  n?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() stream?: boolean;
  @ApiPropertyOptional({ type: StreamOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(-2) @Max(2) frequency_penalty?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(-2) @Max(2) presence_penalty?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() user?: string;
}

export class CompletionRequest extends SamplingRequest {
  /** A string (or a one-element array of strings); checked when mapped. */
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 1 }] }) @Allow() prompt!: unknown;
  @ApiPropertyOptional({ minimum: 0, maximum: 5, description: 'log-probabilities of each token and of this many likeliest alternatives' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  logprobs?: number;
  @ApiPropertyOptional({ description: 'the prompt comes first in each choice' }) @IsOptional() @IsBoolean() echo?: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' }, description: 'token id → bias in [-100, 100]' })
  @IsOptional()
  @IsObject()
  logit_bias?: Record<string, unknown>;
  /** Refused when it differs from n (no server-side best-of). */
  @ApiPropertyOptional({ description: 'must equal n when given' }) @IsOptional() @IsInt() @Min(1) best_of?: number;
  /** Refused: no insertion mode. */
  @ApiPropertyOptional({ description: 'not supported' }) @IsOptional() @IsString() suffix?: string;
}

export class ChatCompletionRequest extends SamplingRequest {
  @ApiProperty({ type: [ChatMessageDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ChatMessageDto)
  messages!: ChatMessageDto[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) max_completion_tokens?: number;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) @IsOptional() @IsArray() @IsObject({ each: true }) tools?: Record<
    string,
    unknown
  >[];
  @ApiPropertyOptional({ oneOf: [{ type: 'string', enum: ['none', 'auto', 'required'] }, { type: 'object' }] })
  @Allow()
  tool_choice?: unknown;
  @ApiPropertyOptional() @IsOptional() @IsObject() response_format?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() logprobs?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(20) top_logprobs?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' }, description: 'token id → bias in [-100, 100]' })
  @IsOptional()
  @IsObject()
  logit_bias?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'false: at most one tool call per turn' }) @IsOptional() @IsBoolean() parallel_tool_calls?: boolean;
  // vLLM's structured-output extras (the openai client's extra_body), at most one of them; checked when mapped.
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'vLLM >= 0.12: one of json, regex, choice, grammar, json_object',
  })
  @IsOptional()
  @IsObject()
  structured_outputs?: Record<string, unknown>;
  @ApiPropertyOptional({
    oneOf: [{ type: 'object' }, { type: 'string' }],
    description: 'vLLM <= 0.11: the output follows this JSON Schema',
  })
  @IsOptional()
  @IsGuidedJson()
  guided_json?: Record<string, unknown> | string;
  @ApiPropertyOptional({ maxLength: GUIDED_REGEX_MAX_CHARS })
  @IsOptional()
  @IsString()
  @MaxLength(GUIDED_REGEX_MAX_CHARS)
  guided_regex?: string;
  @ApiPropertyOptional({ type: [String], minItems: 1, maxItems: GUIDED_CHOICE_MAX_ITEMS })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(GUIDED_CHOICE_MAX_ITEMS)
  @IsString({ each: true })
  @MaxLength(GUIDED_CHOICE_MAX_CHARS, { each: true })
  guided_choice?: string[];
  @ApiPropertyOptional({ maxLength: GUIDED_GRAMMAR_MAX_CHARS, description: 'EBNF as xgrammar reads it, start rule `root`' })
  @IsOptional()
  @IsString()
  @MaxLength(GUIDED_GRAMMAR_MAX_CHARS)
  guided_grammar?: string;
}

export class OpenAiEmbeddingsRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300) model!: string;
  /** A string or an array of strings; checked when mapped. */
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) @Allow() input!: unknown;
  @ApiPropertyOptional({ enum: ['float', 'base64'] }) @IsOptional() @IsIn(['float', 'base64']) encoding_format?: string;
  @ApiPropertyOptional({ minimum: 1, description: 'shorter vectors, for models trained for it (matryoshka); else 400' })
  @IsOptional()
  @IsInt()
  @Min(1)
  dimensions?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() user?: string;
}
