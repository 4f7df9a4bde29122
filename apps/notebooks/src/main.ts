import { runMain } from '@platform/common';
import { grpcServiceMain } from '@platform/service';
import { NotebooksModule } from './notebooks.module';

export const startNotebooksService = grpcServiceMain('notebooks', NotebooksModule);

if (require.main === module) runMain(startNotebooksService);
