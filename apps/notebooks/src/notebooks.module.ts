import { Module } from '@nestjs/common';
import type { Logger } from '@platform/common';
import type { ObjectStore } from '@platform/object-store';
import { LOGGER, OBJECT_STORE, PlatformServiceModule } from '@platform/service';
import { NotebooksSchema1764100000800 } from './migrations/1764100000800-notebooks-schema';
import { warmNbformatValidators } from './nbformat/nbformat-validator';
import { NotebooksConfig } from './notebooks.config';
import { NotebooksGrpcController } from './notebooks.grpc-controller';
import { NOTEBOOK_CONTENT, NOTEBOOKS_SCHEMA } from './notebooks.tokens';
import { NotebookContent } from './notebooks/notebook-content';
import { NotebookVersionEntity } from './notebooks/notebook-version.entity';
import { NotebookEntity } from './notebooks/notebook.entity';
import { NotebookVersionsService } from './notebooks/notebook-versions.service';
import { NotebooksService } from './notebooks/notebooks.service';

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
  controllers: [NotebooksGrpcController],
  providers: [
    {
      provide: NOTEBOOK_CONTENT,
      inject: [OBJECT_STORE, NotebooksConfig.token, LOGGER],
      useFactory: (store: ObjectStore, config: NotebooksConfig, log: Logger) => {
        warmNbformatValidators();
        const prefix = config.contentPrefix.endsWith('/') ? config.contentPrefix : `${config.contentPrefix}/`;
        return new NotebookContent(store, prefix, config.maxNotebookBytes, log);
      },
    },
    NotebooksService,
    NotebookVersionsService,
  ],
})
export class NotebooksModule {}
