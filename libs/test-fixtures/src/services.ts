// Platform services as processes, without vitest (the package's index also holds fixtures that import it), for tools
// such as tools/bench/documents that run under plain Node.
export { startServiceProcess, type ServiceProcess } from './service-process';
export { startStarterInference, STARTER_MODEL, type StarterInference } from './starter-inference';
