import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsNumber, IsOptional, Max, Min, ValidateNested } from 'class-validator';

/** watsonx `moderations` (seed 001): HAP and PII, each on input and/or output, with masking. */

export class TextModerationDto {
  @ApiPropertyOptional({ description: 'Defaults to true when the object is given' }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'Minimum score of a finding (HAP default 0.5, PII default 0.4)' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  threshold?: number;
}

export class MaskDto {
  @ApiPropertyOptional({ description: 'Replace each detected span by * of the same length' })
  @IsOptional()
  @IsBoolean()
  remove_entity_value?: boolean;
}

export class ModerationKindDto {
  @ApiPropertyOptional({ type: TextModerationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TextModerationDto)
  input?: TextModerationDto;
  @ApiPropertyOptional({ type: TextModerationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TextModerationDto)
  output?: TextModerationDto;
  @ApiPropertyOptional({ type: MaskDto }) @IsOptional() @ValidateNested() @Type(() => MaskDto) mask?: MaskDto;
}

export class TextRangeDto {
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) start!: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) end!: number;
}

export class ModerationsDto {
  @ApiPropertyOptional({ type: ModerationKindDto, description: 'Hate, abuse and profanity, scored per sentence' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ModerationKindDto)
  hap?: ModerationKindDto;
  @ApiPropertyOptional({
    type: ModerationKindDto,
    description: 'Personal information: EmailAddress, PhoneNumber, CreditCardNumber, SocialSecurityNumber, IPAddress, URL',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ModerationKindDto)
  pii?: ModerationKindDto;
  @ApiPropertyOptional({ type: [TextRangeDto], description: 'Only these ranges of the input are checked' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TextRangeDto)
  input_ranges?: TextRangeDto[];
}
