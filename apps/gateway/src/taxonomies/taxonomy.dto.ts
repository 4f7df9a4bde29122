import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { COS_PATH, INSTRUCTLAB_NAME } from '@platform/common';

export class CosBucketInformationDto {
  @ApiProperty({ example: 'instructlab' }) @IsString() @IsNotEmpty() @MaxLength(63) bucket!: string;
  @ApiProperty({ example: 'http://127.0.0.1:9000' }) @IsString() @IsNotEmpty() @MaxLength(500) endpoint!: string;
}

export class SecretsManagerConfigDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500) url!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) git_id!: string;
}

export class CreateTaxonomyRequest {
  @ApiProperty({ minLength: 1, maxLength: 32, pattern: INSTRUCTLAB_NAME.pattern.source, example: 'example-taxonomy-1' })
  @IsString()
  @Length(INSTRUCTLAB_NAME.min, INSTRUCTLAB_NAME.max)
  @Matches(INSTRUCTLAB_NAME.pattern, { message: `name must match ${INSTRUCTLAB_NAME.pattern.source}` })
  name!: string;

  @ApiPropertyOptional({
    minLength: 20,
    maxLength: 100,
    pattern: '^([-_./a-zA-Z0-9][a-zA-Z0-9]+)*[^/]$',
    example: 'taxonomies/taxonomy.tar.gz',
    description: "Defaults to the newest 'taxonomies/taxonomy-<time>.tar.gz' in the bucket.",
  })
  @IsOptional()
  @IsString()
  @Length(COS_PATH.min, COS_PATH.max)
  @Matches(COS_PATH.pattern, { message: 'taxonomy_path_cos must match ^([-_./a-zA-Z0-9][a-zA-Z0-9]+)*[^/]$' })
  taxonomy_path_cos?: string;

  @ApiPropertyOptional({ type: CosBucketInformationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CosBucketInformationDto)
  cos_bucket_information?: CosBucketInformationDto;

  @ApiPropertyOptional({ type: SecretsManagerConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SecretsManagerConfigDto)
  secrets_manager_config?: SecretsManagerConfigDto;
}
