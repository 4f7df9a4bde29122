import { Controller } from '@nestjs/common';
import { INSTRUCTLAB_PAGE, pageInfo, pageRequest } from '@platform/common';
import { secretsV1 } from '@platform/contracts';
import type { SecretEntity } from './secret.entity';
import { SecretsService } from './secrets.service';

/** Metadata only: the sealed value columns are deliberately not mapped. */
function toMessage(s: SecretEntity): secretsV1.SecretMetadata {
  return {
    id: s.id,
    projectId: s.projectId,
    name: s.name,
    secretType: s.secretType,
    description: s.description,
    allowedUrls: s.allowedUrls,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

@Controller()
@secretsV1.SecretsServiceControllerMethods()
export class SecretsGrpcController implements secretsV1.SecretsServiceController {
  constructor(private readonly secrets: SecretsService) {}

  async createSecret(req: secretsV1.CreateSecretRequest): Promise<secretsV1.CreateSecretResponse> {
    return { secret: toMessage(await this.secrets.create(req)) };
  }

  async getSecret(req: secretsV1.GetSecretRequest): Promise<secretsV1.GetSecretResponse> {
    return { secret: toMessage(await this.secrets.get(req.projectId, req.id)) };
  }

  async listSecrets(req: secretsV1.ListSecretsRequest): Promise<secretsV1.ListSecretsResponse> {
    const page = await this.secrets.list(req.projectId, pageRequest(req, INSTRUCTLAB_PAGE));
    return { secrets: page.items.map(toMessage), ...pageInfo(page) };
  }

  async deleteSecret(req: secretsV1.DeleteSecretRequest): Promise<secretsV1.DeleteSecretResponse> {
    await this.secrets.delete(req.projectId, req.id);
    return {};
  }
}
