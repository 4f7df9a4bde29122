import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** IBM Secrets Manager's create-secret body for the two types the platform stores. */
export class CreateSecretRequest {
  @ApiProperty({ enum: ['username_password', 'arbitrary'] })
  @IsString()
  @IsIn(['username_password', 'arbitrary'], { message: 'secret_type must be "username_password" or "arbitrary"' })
  secret_type!: string;

  @ApiProperty({ minLength: 2, maxLength: 256, example: 'docs-repo-reader' }) @IsString() @MaxLength(256) name!: string;
  @ApiPropertyOptional({ maxLength: 1024 }) @IsOptional() @IsString() @MaxLength(1024) description?: string;
  @ApiPropertyOptional({ description: 'username_password secrets' }) @IsOptional() @IsString() @MaxLength(256) username?: string;
  @ApiPropertyOptional({ description: 'username_password secrets; write-only' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  password?: string;
  @ApiPropertyOptional({ description: 'arbitrary secrets: a token or an SSH private key; write-only' })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  payload?: string;
  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    example: ['https://github.com/my-org/', 'git.example.com'],
    description:
      'Required: where the value may be sent. https:// or ssh:// URL prefixes, or host[:port] names (https or ssh, any path); ' +
      'a taxonomy fetch sends the secret to no other repository, and never over plain http.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2048, { each: true })
  allowed_urls?: string[];
}
