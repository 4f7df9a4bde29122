import { runMain } from '@platform/common';
import { grpcServiceMain } from '@platform/service';
import { TaxonomyModule } from './taxonomy.module';

export const startTaxonomyService = grpcServiceMain('taxonomy', TaxonomyModule);

if (require.main === module) runMain(startTaxonomyService);
