import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { INSTRUCTLAB_ID, INSTRUCTLAB_NAME } from '@platform/common';
import { HyperparametersDto } from './hyperparameters.dto';

export class CreateModelRequest {
  @ApiProperty({ minLength: 1, maxLength: 32, pattern: INSTRUCTLAB_NAME.pattern.source, example: 'example-model-1' })
  @IsString()
  @Length(INSTRUCTLAB_NAME.min, INSTRUCTLAB_NAME.max)
  @Matches(INSTRUCTLAB_NAME.pattern, { message: `name must match ${INSTRUCTLAB_NAME.pattern.source}` })
  name!: string;

  @ApiProperty({ minLength: 36, maxLength: 36, pattern: INSTRUCTLAB_ID.pattern.source, example: 'add785e6-a8c3-4f5f-ab89-c506a3f115da' })
  @IsString()
  @Length(INSTRUCTLAB_ID.length, INSTRUCTLAB_ID.length)
  @Matches(INSTRUCTLAB_ID.pattern, { message: `data_id must match ${INSTRUCTLAB_ID.pattern.source}` })
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
