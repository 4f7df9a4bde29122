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
} from './guided-options';
import { ModerationsDto } from './moderations.dto';

/** project_id / space_id: which container the call is billed to and authorized against (one is required). */
export class ScopedRequest {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsString() project_id?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsString() space_id?: string;
}

export class ReturnOptionsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() input_text?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() generated_tokens?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() input_tokens?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() token_logprobs?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() token_ranks?: boolean;
  @ApiPropertyOptional({ minimum: 0, maximum: 5 }) @IsOptional() @IsInt() @Min(0) @Max(5) top_n_tokens?: number;
}

export class LengthPenaltyDto {
  @ApiPropertyOptional() @IsOptional() @IsNumber() decay_factor?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() start_index?: number;
}

export class TextGenParametersDto {
  @ApiPropertyOptional({ enum: ['greedy', 'sample'] }) @IsOptional() @IsIn(['greedy', 'sample']) decoding_method?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 2 }) @IsOptional() @IsNumber() @Min(0) @Max(2) temperature?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @IsNumber() @Min(0) @Max(1) top_p?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 100 }) @IsOptional() @IsInt() @Min(1) @Max(100) top_k?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 4294967295 }) @IsOptional() @IsInt() @Min(1) @Max(4294967295) random_seed?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 2 }) @IsOptional() @IsNumber() @Min(1) @Max(2) repetition_penalty?: number;
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @IsInt() @Min(0) min_new_tokens?: number;
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @IsInt() @Min(0) max_new_tokens?: number;
  @ApiPropertyOptional({ type: [String], maxItems: 6 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(6)
  @IsString({ each: true })
  stop_sequences?: string[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() include_stop_sequence?: boolean;
  @ApiPropertyOptional({ description: 'milliseconds' }) @IsOptional() @IsInt() @Min(1) time_limit?: number;
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @IsInt() @Min(0) truncate_input_tokens?: number;
  @ApiPropertyOptional({ type: LengthPenaltyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LengthPenaltyDto)
  length_penalty?: LengthPenaltyDto;
  @ApiPropertyOptional({ type: ReturnOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReturnOptionsDto)
  return_options?: ReturnOptionsDto;
}

export class TextGenerationRequest extends ScopedRequest {
  @ApiProperty({ example: 'Generate a marketing email' }) @IsString() input!: string;
  @ApiProperty({ example: 'platform/starter-llama' }) @IsString() @IsNotEmpty() @MaxLength(300) model_id!: string;
  @ApiPropertyOptional({ type: TextGenParametersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TextGenParametersDto)
  parameters?: TextGenParametersDto;
  @ApiPropertyOptional({ type: ModerationsDto, description: 'HAP/PII moderations of the input and the generated text' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ModerationsDto)
  moderations?: ModerationsDto;
}

export class ChatMessageDto {
  @ApiProperty({ enum: ['system', 'user', 'assistant', 'tool', 'control'] })
  @IsIn(['system', 'user', 'assistant', 'tool', 'control'])
  role!: string;
  /** A string or an array of `{type:"text",text}` / `{type:"image_url",image_url:{url}}` parts; checked when mapped. */
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }] }) @Allow() content?: unknown;
  @ApiPropertyOptional() @IsOptional() @IsString() name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() tool_call_id?: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) @IsOptional() @IsArray() @IsObject({ each: true }) tool_calls?: Record<
    string,
    unknown
  >[];
}

export class TextChatRequest extends ScopedRequest {
  @ApiProperty({ example: 'platform/starter-llama' }) @IsString() @IsNotEmpty() @MaxLength(300) model_id!: string;
  @ApiProperty({ type: [ChatMessageDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ChatMessageDto)
  messages!: ChatMessageDto[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) @IsOptional() @IsArray() @IsObject({ each: true }) tools?: Record<
    string,
    unknown
  >[];
  @ApiPropertyOptional({ enum: ['none', 'auto', 'required'] })
  @IsOptional()
  @IsIn(['none', 'auto', 'required'])
  tool_choice_option?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() tool_choice?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(-2) @Max(2) frequency_penalty?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(-2) @Max(2) presence_penalty?: number;
  @ApiPropertyOptional() @IsOptional() @IsObject() logit_bias?: Record<string, number>;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() logprobs?: boolean;
  @ApiPropertyOptional({ minimum: 0, maximum: 20 }) @IsOptional() @IsInt() @Min(0) @Max(20) top_logprobs?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) max_tokens?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) max_completion_tokens?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 16 }) @IsOptional() @IsInt() @Min(1) @Max(16) n?: number;
  @ApiPropertyOptional() @IsOptional() @IsObject() response_format?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsInt() seed?: number;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(4) @IsString({ each: true }) stop?: string[];
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(2) temperature?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(1) top_p?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(1) @Max(2) repetition_penalty?: number;
  @ApiPropertyOptional({ description: 'milliseconds' }) @IsOptional() @IsInt() @Min(1) time_limit?: number;
  // Structured output: at most one of the four (checked by the inference service, which names them all).
  @ApiPropertyOptional({
    oneOf: [{ type: 'object' }, { type: 'string' }],
    description: 'The output follows this JSON Schema (an object, or its JSON text as the Node SDK sends it).',
  })
  @IsOptional()
  @IsGuidedJson()
  guided_json?: Record<string, unknown> | string;
  @ApiPropertyOptional({ maxLength: GUIDED_REGEX_MAX_CHARS, description: 'The output matches this regular expression.' })
  @IsOptional()
  @IsString()
  @MaxLength(GUIDED_REGEX_MAX_CHARS)
  guided_regex?: string;
  @ApiPropertyOptional({
    type: [String],
    minItems: 1,
    maxItems: GUIDED_CHOICE_MAX_ITEMS,
    description: 'The output is exactly one of these strings.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(GUIDED_CHOICE_MAX_ITEMS)
  @IsString({ each: true })
  @MaxLength(GUIDED_CHOICE_MAX_CHARS, { each: true })
  guided_choice?: string[];
  @ApiPropertyOptional({
    maxLength: GUIDED_GRAMMAR_MAX_CHARS,
    description: 'The output follows this context-free grammar (EBNF as xgrammar reads it, start rule `root`).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(GUIDED_GRAMMAR_MAX_CHARS)
  guided_grammar?: string;
}

export class EmbeddingReturnOptionsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() input_text?: boolean;
}

export class EmbeddingParametersDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) truncate_input_tokens?: number;
  @ApiPropertyOptional({ type: EmbeddingReturnOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => EmbeddingReturnOptionsDto)
  return_options?: EmbeddingReturnOptionsDto;
}

export class EmbeddingsRequest extends ScopedRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300) model_id!: string;
  @ApiProperty({ type: [String], minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  inputs!: string[];
  @ApiPropertyOptional({ type: EmbeddingParametersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => EmbeddingParametersDto)
  parameters?: EmbeddingParametersDto;
}

export class TokenizationParametersDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() return_tokens?: boolean;
}

export class TokenizationRequest extends ScopedRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300) model_id!: string;
  @ApiProperty() @IsString() input!: string;
  @ApiPropertyOptional({ type: TokenizationParametersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TokenizationParametersDto)
  parameters?: TokenizationParametersDto;
}

export class RerankInputDto {
  @ApiProperty() @IsString() text!: string;
}

export class RerankReturnOptionsDto {
  @ApiPropertyOptional({ minimum: 1 }) @IsOptional() @IsInt() @Min(1) top_n?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() inputs?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() query?: boolean;
}

export class RerankParametersDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) truncate_input_tokens?: number;
  @ApiPropertyOptional({ type: RerankReturnOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RerankReturnOptionsDto)
  return_options?: RerankReturnOptionsDto;
}

export class RerankRequest extends ScopedRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300) model_id!: string;
  @ApiProperty({ type: [RerankInputDto], minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => RerankInputDto)
  inputs!: RerankInputDto[];
  @ApiProperty() @IsString() @IsNotEmpty() query!: string;
  @ApiPropertyOptional({ type: RerankParametersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RerankParametersDto)
  parameters?: RerankParametersDto;
}
