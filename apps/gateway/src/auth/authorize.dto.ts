import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class AuthorizeRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(128) username!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(1024) password?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(1024) api_key?: string;
}

export const APIKEY_GRANT = 'urn:ibm:params:oauth:grant-type:apikey';

export class IamTokenRequest {
  @ApiProperty({ example: APIKEY_GRANT }) @IsString() @IsIn([APIKEY_GRANT]) grant_type!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) apikey!: string;
}
