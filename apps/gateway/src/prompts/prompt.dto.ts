import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  INPUT_MODES,
  LockDto,
  MAX_EPOCH_MS,
  ModelVersionDto,
  PROMPT_TEXT_CHARS,
  PromptVariables,
  PromptWithExternalDto,
  StringValues,
} from './prompt-fields.dto';

/**
 * The bodies of /v1/prompts… (the SDK's /wx/v1/prompts…) as seed 001 and the official SDK's createPrompt, updatePrompt,
 * updatePromptLock and getPromptInput send them. `id`, `created_by`, `locked_by` and the times are the server's.
 */

class PromptFieldsDto {
  @ApiPropertyOptional({ maxLength: 5000, example: 'My First Prompt' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;
  @ApiPropertyOptional({ type: [String], minItems: 1, maxItems: 1, example: ['generation'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  task_ids?: string[];
  @ApiPropertyOptional({ type: ModelVersionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ModelVersionDto)
  model_version?: ModelVersionDto;
  @PromptVariables() prompt_variables?: Record<string, unknown>;
}

export class CreatePromptRequest extends PromptFieldsDto {
  @ApiProperty({ minLength: 1, maxLength: 255, example: 'My Prompt' }) @IsString() @IsNotEmpty() @MaxLength(255) name!: string;
  @ApiPropertyOptional({ example: 1711504485261, description: 'Epoch milliseconds; default: now.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EPOCH_MS)
  created_at?: number;
  @ApiPropertyOptional({ type: LockDto, description: 'An initial lock, held by the caller.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LockDto)
  lock?: LockDto;
  @ApiPropertyOptional({ enum: INPUT_MODES }) @IsOptional() @IsIn(INPUT_MODES) input_mode?: (typeof INPUT_MODES)[number];
  @ApiProperty({ type: PromptWithExternalDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PromptWithExternalDto)
  prompt!: PromptWithExternalDto;
}

/** PATCH: the fields given replace the stored ones. The seed allows only structured and freeform input modes here. */
export class UpdatePromptRequest extends PromptFieldsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 255 }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(255) name?: string;
  @ApiPropertyOptional({ description: "The prompt's id; cannot be changed, ignored." })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  id?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() governance_tracked?: boolean;
  @ApiPropertyOptional({ enum: ['structured', 'freeform'] })
  @IsOptional()
  @IsIn(['structured', 'freeform'])
  input_mode?: 'structured' | 'freeform';
  @ApiPropertyOptional({ type: PromptWithExternalDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PromptWithExternalDto)
  prompt?: PromptWithExternalDto;
}

export class PromptLockRequest extends LockDto {}

export class PromptInputRequest {
  @ApiPropertyOptional({ maxLength: PROMPT_TEXT_CHARS, example: 'Some text with variables.' })
  @IsOptional()
  @IsString()
  @MaxLength(PROMPT_TEXT_CHARS)
  input?: string;
  @ApiPropertyOptional({ description: 'Placeholder names to the values that replace them.', example: { var1: 'value' } })
  @IsOptional()
  @StringValues(100)
  prompt_variables?: Record<string, string>;
}

/** The data platform's asset search as the SDK's listPrompts sends it (`query` is always `asset.asset_type:wx_prompt`). */
export class PromptSearchRequest {
  @ApiPropertyOptional({
    maxLength: 1000,
    example: 'asset.asset_type:wx_prompt',
    description: 'Terms joined by AND: asset.asset_type:wx_prompt, *:*, asset.name:<name> or asset.name:"<name>".',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  query?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 100 }) @IsOptional() @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ description: 'The `next.bookmark` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  bookmark?: string;
}
