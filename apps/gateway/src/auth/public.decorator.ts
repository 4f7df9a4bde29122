import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'platform:public';

/** Marks a route that needs no bearer token (token issuing, health, metrics, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
