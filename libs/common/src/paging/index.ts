export * from './page-request';
export * from './page-token';
export * from './keyset-page';
export * from './array-page';
export * from './page-links';
