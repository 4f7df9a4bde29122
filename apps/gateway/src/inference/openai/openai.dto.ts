import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
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
import { ChatMessageDto } from '../inference.dto';

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
  @ApiPropertyOptional({ minimum: 1, maximum: 1, description: 'only 1 is supported' }) @IsOptional() @IsInt() @Min(1) @Max(1) n?: number;
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
  @ApiPropertyOptional() @IsOptional() @IsObject() logit_bias?: Record<string, number>;
}

export class OpenAiEmbeddingsRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300) model!: string;
  /** A string or an array of strings; checked when mapped. */
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) @Allow() input!: unknown;
  @ApiPropertyOptional({ enum: ['float', 'base64'] }) @IsOptional() @IsIn(['float', 'base64']) encoding_format?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() user?: string;
}
