import { PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { IS_PUBLIC } from '../auth/public.decorator';

export const BEARER_SCHEME = 'bearer';

/**
 * Marks every operation the AuthGuard protects with the bearer scheme, and leaves the @Public() ones (token issuing)
 * without, so /openapi.json says which calls need `Authorization: Bearer`. It reads the same metadata as the guard,
 * method over class, so the document cannot disagree with what is enforced. Operations are matched by the operation
 * ids Swagger gives them (`<Controller>_<method>`, `[n]` added for a method with several paths).
 */
export function markBearerOperations(app: INestApplication, document: OpenAPIObject): void {
  const publicOperations = new Set<string>();
  const scanner = new MetadataScanner();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const prototype = metatype.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const isPublic = (Reflect.getMetadata(IS_PUBLIC, handler) as boolean | undefined) ?? Reflect.getMetadata(IS_PUBLIC, metatype);
        if (isPublic) publicOperations.add(`${metatype.name}_${name}`);
      }
    }
  }
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      const id = String(operation.operationId ?? '').replace(/\[\d+\]$/, '');
      operation.security = publicOperations.has(id) ? [] : [{ [BEARER_SCHEME]: [] }];
    }
  }
}
