import { platformAddresses, runMain, startGrpcService } from '@platform/common';
import { TaxonomyModule } from './taxonomy.module';

export function startTaxonomyService(addresses = platformAddresses()) {
  return startGrpcService({
    name: 'taxonomy',
    module: TaxonomyModule,
    protos: ['taxonomy', 'secrets'],
    grpcUrl: addresses.taxonomyGrpcUrl,
    opsPort: addresses.taxonomyOpsPort,
  });
}

if (require.main === module) runMain(startTaxonomyService);
