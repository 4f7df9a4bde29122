export {
  GATEWAY_NODE_FLAGS,
  LAUNCHED_SERVICES,
  servicePorts,
  startPlatform,
  type PlatformOptions,
  type PlatformPorts,
  type RunningPlatform,
} from './platform';
export { loadSecrets, type PlatformSecrets } from './secrets';
export { WORKSPACE_ROOT, type ServiceProcess } from './service-process';
export { natsProcess, postgresProcess } from './infra-processes';
export { Supervisor, type ProcessSpec, type RestartPolicy, type SupervisedProcess, type SupervisorOptions } from './supervisor';
export { CONSOLE_DIST, consoleBuildReason, ensureConsoleBuilt } from './console-build';
