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
  ValidateNested,
} from 'class-validator';
import { LockDto, MAX_EPOCH_MS, ModelVersionDto, PromptDto, PromptVariables } from './prompt-fields.dto';

/**
 * The bodies of /v1/prompt_sessions… (the SDK's /wx/v1/prompt_sessions…) as seed 001 and the SDK's createPromptSession,
 * updatePromptSession and createPromptSessionEntry send them. Ids, creators and times are the server's: the SDK's
 * types let a client send them, and they are accepted and ignored.
 */

/** Seed: a session's name matches ^.{0,100}$ (one line), its description at most 250 characters. */
const SESSION_NAME = /^.{0,100}$/;
export const MAX_SESSION_ENTRIES = 50;
export const ENTRY_INPUT_MODES = ['structured', 'freeform', 'chat'] as const;

/** A prompt kept in a session (the SDK's WxPromptSessionEntry). */
export class PromptSessionEntryRequest {
  @ApiPropertyOptional({ description: 'Computed by the server; ignored.' }) @IsOptional() @IsString() @MaxLength(256) id?: string;
  @ApiProperty({ minLength: 1, maxLength: 250, example: 'My Prompt' }) @IsString() @IsNotEmpty() @MaxLength(250) name!: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @ApiPropertyOptional({ example: 1711504485261, description: 'Epoch milliseconds; default: now.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  created_at?: number;
  @PromptVariables() prompt_variables?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() is_template?: boolean;
  @ApiPropertyOptional({ enum: ENTRY_INPUT_MODES }) @IsOptional() @IsIn(ENTRY_INPUT_MODES) input_mode?: (typeof ENTRY_INPUT_MODES)[number];
  @ApiPropertyOptional({ type: ModelVersionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ModelVersionDto)
  model_version?: ModelVersionDto;
  @ApiProperty({ type: PromptDto }) @IsObject() @ValidateNested() @Type(() => PromptDto) prompt!: PromptDto;
}

class SessionTextDto {
  @ApiPropertyOptional({ maxLength: 250, example: 'My First Prompt Session' })
  @IsOptional()
  @IsString()
  @MaxLength(250)
  description?: string;
}

export class CreatePromptSessionRequest extends SessionTextDto {
  @ApiProperty({ maxLength: 100, example: 'Session 1' })
  @IsString()
  @Matches(SESSION_NAME, { message: 'name must be one line of at most 100 characters.' })
  name!: string;
  @ApiPropertyOptional({ description: 'Computed by the server; ignored.' }) @IsOptional() @IsString() @MaxLength(256) id?: string;
  @ApiPropertyOptional({ example: 1711504485261, description: 'Epoch milliseconds; default: now.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  created_at?: number;
  @ApiPropertyOptional({ description: 'Computed by the server; ignored.' }) @IsOptional() @IsString() @MaxLength(256) created_by?: string;
  @ApiPropertyOptional({ description: 'Computed by the server; ignored.' }) @IsOptional() @IsInt() last_updated_at?: number;
  @ApiPropertyOptional({ description: 'Computed by the server; ignored.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  last_updated_by?: string;
  @ApiPropertyOptional({ type: LockDto, description: 'An initial lock, held by the caller.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LockDto)
  lock?: LockDto;
  @ApiPropertyOptional({ type: [PromptSessionEntryRequest], maxItems: MAX_SESSION_ENTRIES })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SESSION_ENTRIES)
  @ValidateNested({ each: true })
  @Type(() => PromptSessionEntryRequest)
  prompts?: PromptSessionEntryRequest[];
}

export class UpdatePromptSessionRequest extends SessionTextDto {
  @ApiPropertyOptional({ maxLength: 100, example: 'Session 1' })
  @IsOptional()
  @IsString()
  @Matches(SESSION_NAME, { message: 'name must be one line of at most 100 characters.' })
  name?: string;
}
