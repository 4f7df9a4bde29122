import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { ContainersService } from '../access/containers.service';
import { UsersService } from './users.service';

/** Makes sure the `admin` user, its configured API key and a default project exist before traffic arrives. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly users: UsersService,
    private readonly containers: ContainersService,
    @Inject(GatewayConfig.token) private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = await this.users.ensureAdmin(this.config.admin.password, this.config.admin.apiKey);
    if (!admin.defaultProjectId) {
      const project = await this.containers.create(
        'project',
        { name: 'default', description: 'Default project' },
        { userId: admin.id, username: admin.username, role: 'admin' },
      );
      await this.users.setDefaultProjectIfUnset(admin.id, project.id);
    }
  }
}
