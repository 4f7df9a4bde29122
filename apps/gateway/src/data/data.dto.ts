import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { INSTRUCTLAB_ID, INSTRUCTLAB_NAME } from '@platform/common';

export class CreateDataRequest {
  @ApiProperty({ minLength: 1, maxLength: 32, pattern: INSTRUCTLAB_NAME.pattern.source, example: 'example-data-1' })
  @IsString()
  @Length(INSTRUCTLAB_NAME.min, INSTRUCTLAB_NAME.max)
  @Matches(INSTRUCTLAB_NAME.pattern, { message: `name must match ${INSTRUCTLAB_NAME.pattern.source}` })
  name!: string;

  @ApiProperty({ minLength: 36, maxLength: 36, pattern: INSTRUCTLAB_ID.pattern.source, example: '202a03c4-dcf1-432a-82b7-abecb2e019f7' })
  @IsString()
  @Length(INSTRUCTLAB_ID.length, INSTRUCTLAB_ID.length)
  @Matches(INSTRUCTLAB_ID.pattern, { message: `taxonomy_id must match ${INSTRUCTLAB_ID.pattern.source}` })
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
