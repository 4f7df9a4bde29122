export { LAUNCHED_SERVICES, servicePorts, startPlatform, type PlatformOptions, type PlatformPorts, type RunningPlatform } from './platform';
export { loadSecrets, type PlatformSecrets } from './secrets';
export { WORKSPACE_ROOT } from './service-process';
