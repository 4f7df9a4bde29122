import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { INSTRUCTLAB_ID, INSTRUCTLAB_NAME } from '@platform/common';
import { FollowsRule } from '../http/follows-rule';
import { HyperparametersDto } from './hyperparameters.dto';

export class CreateModelRequest {
  @FollowsRule(INSTRUCTLAB_NAME, { example: 'example-model-1' })
  name!: string;

  @FollowsRule(INSTRUCTLAB_ID, { example: 'add785e6-a8c3-4f5f-ab89-c506a3f115da' })
  data_id!: string;

  @ApiPropertyOptional({ description: 'Default: the platform base model (PLATFORM_TRAINING_BASE_MODEL).', example: 'starter-llama' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  base_model?: string;

  @ApiPropertyOptional({ type: HyperparametersDto, description: 'Unset fields default per base model and executor.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => HyperparametersDto)
  hyperparameters?: HyperparametersDto;
}
