import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { PlatformError } from '@platform/common';

/**
 * A named query parameter is one value: sent twice (`?include=a&include=b`), the query parser hands the handler an
 * array where it reads a string. Every such parameter is refused here with a 400 naming it, before any handler runs.
 */
@Injectable()
export class SingleQueryValuesPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'query' && metadata.data && Array.isArray(value)) {
      throw PlatformError.invalid(`Query parameter ${metadata.data} must be given at most once.`, metadata.data);
    }
    return value;
  }
}
