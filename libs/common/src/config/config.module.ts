import { Module, type DynamicModule } from '@nestjs/common';
import type { ConfigDefinition } from './define-config';

/**
 * A process's configuration as a global provider under `definition.token`, loaded (and checked) once when the
 * application starts. For processes without the platform service module (the gateway); services get theirs from it.
 */
@Module({})
export class ConfigModule {
  static forRoot<T>(definition: ConfigDefinition<T>): DynamicModule {
    const provider = { provide: definition.token, useFactory: () => definition.load() };
    return { global: true, module: ConfigModule, providers: [provider], exports: [provider] };
  }
}
