import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { COS_PATH, INSTRUCTLAB_NAME } from '@platform/common';
import { FollowsRule } from '../http/follows-rule';

export class CosBucketInformationDto {
  @ApiProperty({ example: 'instructlab' }) @IsString() @IsNotEmpty() @MaxLength(63) bucket!: string;
  @ApiProperty({ example: 'http://127.0.0.1:9000' }) @IsString() @IsNotEmpty() @MaxLength(500) endpoint!: string;
}

export class SecretsManagerConfigDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500) url!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) git_id!: string;
}

export class CreateTaxonomyRequest {
  @FollowsRule(INSTRUCTLAB_NAME, { example: 'example-taxonomy-1' })
  name!: string;

  @FollowsRule(COS_PATH, {
    optional: true,
    example: 'taxonomies/taxonomy.tar.gz',
    description: "Defaults to the newest 'taxonomies/taxonomy-<time>.tar.gz' in the bucket.",
  })
  @IsOptional()
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
