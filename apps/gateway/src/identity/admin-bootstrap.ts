import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { envString } from '@platform/common';
import { ContainersService } from '../access/containers.service';
import { UsersService } from './users.service';

/** Makes sure the `admin` user, its configured API key and a default project exist before traffic arrives. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly users: UsersService,
    private readonly containers: ContainersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = await this.users.ensureAdmin(envString('PLATFORM_ADMIN_PASSWORD'), envString('PLATFORM_ADMIN_APIKEY'));
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
