import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { TextChatRequest, TextGenerationRequest } from './inference.dto';

/**
 * The bodies of /ml/v1/deployments/{id_or_name}/text/…: the foundation-model routes' bodies without `model_id` (the
 * deployment names the model; a `model_id` sent anyway is dropped like any unknown field). `project_id`/`space_id`
 * may be sent, as the seed's examples do, and are checked for form only: the deployment's own container is the one
 * access is checked against and usage is counted in.
 */
export class DeploymentTextGenerationRequest extends OmitType(TextGenerationRequest, ['model_id', 'input'] as const) {
  @ApiPropertyOptional({
    example: 'how far is paris from bangalore:\n',
    description: 'Required unless the deployment has a prompt template.',
  })
  @IsOptional()
  @IsString()
  input?: string;
}

export class DeploymentTextChatRequest extends OmitType(TextChatRequest, ['model_id'] as const) {}
