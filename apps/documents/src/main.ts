import { runMain } from '@platform/common';
import { grpcServiceMain } from '@platform/service';
import { DocumentsModule } from './documents.module';

export const startDocumentsService = grpcServiceMain('documents', DocumentsModule);

if (require.main === module) runMain(startDocumentsService);
