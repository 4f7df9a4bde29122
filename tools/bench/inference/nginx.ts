import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForPort } from '@platform/infra';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

/** Debian's nginx as a plain keep-alive reverse proxy in front of `upstream`, or undefined when not installed. */
export async function startNginx(dir: string, port: number, upstreamPort: number): Promise<{ url: string; stop(): void } | undefined> {
  if (!NGINX) return undefined;
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
  upstream engine { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://engine;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-c', conf, '-g', 'daemon off;'], { stdio: 'inherit' });
  await waitForPort(port, 10_000);
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}
