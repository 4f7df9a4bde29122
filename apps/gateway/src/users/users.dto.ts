import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class CreateUserRequest {
  @ApiProperty({ pattern: '^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,63}$' })
  @IsString()
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,63}$/, {
    message: 'username must be 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
  })
  username!: string;
  @ApiProperty({ minLength: 8, maxLength: 256 }) @IsString() @MinLength(8) @MaxLength(256) password!: string;
  @ApiPropertyOptional({ enum: ['admin', 'user'] }) @IsOptional() @IsIn(['admin', 'user']) role?: 'admin' | 'user';
}

export class CreateApiKeyRequest {
  @ApiProperty({ maxLength: 100 }) @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
}
