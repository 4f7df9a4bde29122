import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForPort } from '@platform/infra';
import { pinnedCommand } from './pinning';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

/**
 * Debian's nginx as a plain keep-alive reverse proxy in front of `upstream` (one worker, started on `cpuList` so it
 * sits where the proxy tier does), or undefined when not installed. `dir` holds its config, pid and temp files.
 */
export async function startNginx(
  dir: string,
  port: number,
  upstreamPort: number,
  cpuList?: string,
): Promise<{ url: string; pid: number | undefined; stop(): void } | undefined> {
  if (!NGINX) return undefined;
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  upstream backend { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`,
  );
  const [cmd, ...args] = pinnedCommand([NGINX, '-c', conf, '-g', 'daemon off;'], cpuList);
  const child: ChildProcess = spawn(cmd, args, { stdio: 'inherit' });
  await waitForPort(port, 10_000);
  // taskset execs nginx in place, so the pid is the master's; its worker is a child (counted by cpuMs).
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => child.kill('SIGTERM') };
}
