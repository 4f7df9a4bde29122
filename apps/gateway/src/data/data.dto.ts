import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { INSTRUCTLAB_ID, INSTRUCTLAB_NAME } from '@platform/common';
import { FollowsRule } from '../http/follows-rule';

export class CreateDataRequest {
  @FollowsRule(INSTRUCTLAB_NAME, { example: 'example-data-1' })
  name!: string;

  @FollowsRule(INSTRUCTLAB_ID, { example: '202a03c4-dcf1-432a-82b7-abecb2e019f7' })
  taxonomy_id!: string;

  @ApiPropertyOptional({
    description: 'Catalog model id of the teacher; default: the platform default teacher.',
    example: 'platform/starter-llama',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  teacher_model?: string;

  @ApiPropertyOptional({ description: 'Catalog model id of the judge; default: the teacher.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  judge_model?: string;

  @ApiPropertyOptional({
    description: 'Instructions generated per seed example; default: the pipeline default.',
    minimum: 1,
    maximum: 10000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  num_instructions?: number;
}
