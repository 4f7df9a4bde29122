import { Module } from '@nestjs/common';
import { PlatformServiceModule } from '@platform/service';
import { NotebooksSchema1764100000800 } from './migrations/1764100000800-notebooks-schema';
import { NotebooksConfig } from './notebooks.config';
import { NOTEBOOKS_SCHEMA } from './notebooks.tokens';
import { NotebookVersionEntity } from './notebooks/notebook-version.entity';
import { NotebookEntity } from './notebooks/notebook.entity';

/** The notebooks service: notebooks and their versions, rows in its own schema, `.ipynb` content in the object store. */
@Module({
  imports: [
    PlatformServiceModule.forRoot({
      name: 'notebooks',
      config: NotebooksConfig,
      database: {
        schema: NOTEBOOKS_SCHEMA,
        entities: [NotebookEntity, NotebookVersionEntity],
        migrations: [NotebooksSchema1764100000800],
      },
      objectStore: true,
    }),
  ],
})
export class NotebooksModule {}
