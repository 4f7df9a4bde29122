import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { TextChatRequest, TextGenParametersDto, TextGenerationRequest } from './inference.dto';

/** A deployment's generation parameters: the foundation-model routes' ones, plus the values of its prompt template's variables. */
export class DeploymentTextGenParametersDto extends TextGenParametersDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    example: { name: 'joe', count: 3 },
    description: "The values of the deployment's prompt template variables (a deployment without a template takes none).",
  })
  @IsOptional()
  @IsObject()
  prompt_variables?: Record<string, unknown>;
}

/**
 * The bodies of /ml/v1/deployments/{id_or_name}/text/…: the foundation-model routes' bodies without `model_id` (the
 * deployment names the model; a `model_id` sent anyway is dropped like any unknown field). `project_id`/`space_id`
 * may be sent, as the seed's examples do, and are checked for form only: the deployment's own container is the one
 * access is checked against and usage is counted in.
 */
export class DeploymentTextGenerationRequest extends OmitType(TextGenerationRequest, ['model_id', 'input', 'parameters'] as const) {
  @ApiPropertyOptional({
    example: 'how far is paris from bangalore:\n',
    description: 'Required unless the deployment has a prompt template; ignored if it has one.',
  })
  @IsOptional()
  @IsString()
  input?: string;

  @ApiPropertyOptional({ type: DeploymentTextGenParametersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeploymentTextGenParametersDto)
  parameters?: DeploymentTextGenParametersDto;
}

export class DeploymentTextChatRequest extends OmitType(TextChatRequest, ['model_id'] as const) {}
