import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { BoundedJson } from '../http/bounded-json';
import { GUIDED_JSON_BOUNDS } from '../inference/guided-options';

/**
 * Request bodies of the Llama Stack draft (seeds/llama-stack-draft-openapi.json). The draft marks every field
 * required, but most carry defaults there too; those are optional here and take the draft's defaults.
 * Content (string, Attachment, or an array of both) is a union class-validator cannot express: it is checked
 * when mapped (llama-stack-content.ts).
 */

const CONTENT_SCHEMA = { oneOf: [{ type: 'string' }, { type: 'object' }, { type: 'array', items: {} }] };
export const MAX_BATCH = 64;

export class SamplingParamsDto {
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @IsNumber() @Min(0) @Max(2) temperature?: number;
  @ApiPropertyOptional({ enum: ['greedy', 'top_p', 'top_k'], default: 'greedy' })
  @IsOptional()
  @IsIn(['greedy', 'top_p', 'top_k'])
  strategy?: string;
  @ApiPropertyOptional({ default: 0.95 }) @IsOptional() @IsNumber() @Min(0) @Max(1) top_p?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @IsInt() @Min(0) top_k?: number;
  /** Not in the draft (later Llama Stack versions have it); the inference contract carries it. */
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(1) @Max(2) repetition_penalty?: number;
}

class GenerationFields {
  @ApiProperty({ example: 'llama3_8b' }) @IsString() @IsNotEmpty() @MaxLength(300) model!: string;
  @ApiPropertyOptional({ type: SamplingParamsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SamplingParamsDto)
  sampling_params?: SamplingParamsDto;
  @ApiPropertyOptional({ default: 0, description: '0: the model server default' }) @IsOptional() @IsInt() @Min(0) max_tokens?: number;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() logprobs?: boolean;
}

export class CompletionRequestDto extends GenerationFields {
  @ApiProperty(CONTENT_SCHEMA) @IsDefined() @Allow() content!: unknown;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() stream?: boolean;
}

export class BatchCompletionRequestDto extends GenerationFields {
  @ApiProperty({ type: 'array', items: CONTENT_SCHEMA, maxItems: MAX_BATCH })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  content_batch!: unknown[];
}

export class ToolCallDto {
  @ApiProperty() @IsString() @IsNotEmpty() tool_name!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) @IsObject() arguments!: Record<string, unknown>;
}

export class ToolResponseDto {
  @ApiProperty() @IsString() @IsNotEmpty() tool_name!: string;
  @ApiProperty(CONTENT_SCHEMA) @IsDefined() @Allow() content!: unknown;
}

export class MessageDto {
  @ApiProperty({ enum: ['system', 'user', 'assistant', 'tool'] }) @IsIn(['system', 'user', 'assistant', 'tool']) role!: string;
  @ApiProperty(CONTENT_SCHEMA) @IsDefined() @Allow() content!: unknown;
  @ApiPropertyOptional({ type: [ToolCallDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ToolCallDto)
  tool_calls?: ToolCallDto[];
  @ApiPropertyOptional({ type: [ToolResponseDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ToolResponseDto)
  tool_responses?: ToolResponseDto[];
}

export class DialogDto {
  @ApiProperty({ type: MessageDto }) @IsDefined() @ValidateNested() @Type(() => MessageDto) message!: MessageDto;
  @ApiPropertyOptional({ type: [MessageDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MessageDto)
  message_history?: MessageDto[];
}

export class ShieldConfigDto {
  @ApiProperty({ enum: ['llama_guard', 'prompt_guard', 'code_guard'] })
  @IsIn(['llama_guard', 'prompt_guard', 'code_guard'])
  shield_type!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() params?: Record<string, unknown>;
}

export class ToolDefinitionDto {
  @ApiProperty({ example: 'web_search' }) @IsString() @IsNotEmpty() @MaxLength(64) tool_name!: string;
  /** Not in the draft (later Llama Stack versions have it): what the tool does, told to the model. */
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4096) description?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() parameters?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [ShieldConfigDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ShieldConfigDto)
  input_shields?: ShieldConfigDto[];
  @ApiPropertyOptional({ type: [ShieldConfigDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ShieldConfigDto)
  output_shields?: ShieldConfigDto[];
}

/** Not in the draft: later Llama Stack versions' ResponseFormat (a JSON schema, or a grammar as a `bnf` object). */
export class ResponseFormatDto {
  @ApiProperty({ enum: ['json_schema', 'grammar'] }) @IsIn(['json_schema', 'grammar']) type!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'the JSON schema the output follows' })
  @ValidateIf((f: ResponseFormatDto) => f.type === 'json_schema')
  @IsObject()
  @BoundedJson(GUIDED_JSON_BOUNDS)
  json_schema?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @ValidateIf((f: ResponseFormatDto) => f.type === 'grammar')
  @IsObject()
  bnf?: Record<string, unknown>;
}

/**
 * The draft's tools, plus what later Llama Stack versions added to steer them and the output (not in the draft, so
 * a body using them is outside its request schema; the answers stay within its response schemas).
 */
export interface ChatToolOptionsDto {
  available_tools?: ToolDefinitionDto[];
  tool_choice?: string;
  tool_prompt_format?: string;
  response_format?: ResponseFormatDto;
}

class ChatFields extends GenerationFields implements ChatToolOptionsDto {
  @ApiPropertyOptional({ type: [ToolDefinitionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(128)
  @ValidateNested({ each: true })
  @Type(() => ToolDefinitionDto)
  available_tools?: ToolDefinitionDto[];
  /** Not in the draft: auto (the default), required, none, or the name of one of available_tools to call. */
  @ApiPropertyOptional({ description: 'auto (default), required, none, or the name of one of available_tools', example: 'auto' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  tool_choice?: string;
  /** Not in the draft: how tool calls are written; the platform's model servers write json. */
  @ApiPropertyOptional({ enum: ['json', 'function_tag', 'python_list'], description: 'only json is supported' })
  @IsOptional()
  @IsIn(['json', 'function_tag', 'python_list'])
  tool_prompt_format?: string;
  /** Not in the draft: a JSON schema the answer follows. */
  @ApiPropertyOptional({ type: ResponseFormatDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ResponseFormatDto)
  response_format?: ResponseFormatDto;
}

export class ChatCompletionRequestDto extends ChatFields {
  @ApiProperty({ type: DialogDto }) @IsDefined() @ValidateNested() @Type(() => DialogDto) dialog!: DialogDto;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() stream?: boolean;
}

export class BatchChatCompletionRequestDto extends ChatFields {
  @ApiProperty({ type: [DialogDto], maxItems: MAX_BATCH })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @ValidateNested({ each: true })
  @Type(() => DialogDto)
  batch_dialogs!: DialogDto[];
}
