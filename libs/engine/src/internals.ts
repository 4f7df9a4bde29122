/** Building blocks for benchmarks and other packages' tests; not part of the engine's stable API. */
export { Arena } from './arena';
export { MatmulPool } from './parallel';
export { writeRandomModel } from './testing/random-model';
