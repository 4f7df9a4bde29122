import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestCertificate } from './test-certificate';

/** A git smart-HTTP server (the real `git http-backend` CGI) on 127.0.0.1, behind HTTP basic auth. */
export interface GitHttpServer {
  /** Base URL; a repository `<root>/<name>` is at `${url}/<name>`. */
  url: string;
  /** Requests seen: whether they carried any Authorization header, and whether it held the right credentials. */
  requests: { path: string; sentCredentials: boolean; authorized: boolean }[];
  close(): Promise<void>;
}

export interface GitHttpServerOptions {
  /** Serve https with this certificate (clients must trust its caFile). */
  tls?: TestCertificate;
  /** Answer every request with a 302 to the same path under this base URL, as a moved (or hostile) server would. */
  redirectTo?: string;
}

export async function startGitHttpServer(
  root: string,
  credentials: { username: string; password: string },
  opts: GitHttpServerOptions = {},
): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const requests: GitHttpServer['requests'] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorized = req.headers.authorization === expected;
    requests.push({ path: url.pathname, sentCredentials: req.headers.authorization !== undefined, authorized });
    if (opts.redirectTo !== undefined) {
      res.writeHead(302, { location: `${opts.redirectTo}${url.pathname}${url.search}` }).end();
      return;
    }
    if (!authorized) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="docs"' }).end();
      return;
    }
    cgi(root, url, req, res, credentials.username);
  };
  const server: Server = opts.tls ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function cgi(root: string, url: URL, req: IncomingMessage, res: ServerResponse, user: string): void {
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      REMOTE_USER: user,
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_ADDR: '127.0.0.1',
    },
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headerDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headerDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf('\r\n\r\n');
    const lf = head.indexOf('\n\n');
    const [end, gap] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : [lf, 2];
    if (end < 0) return;
    headerDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + gap));
  });
  child.stdout.on('end', () => res.end());
  child.on('error', () => res.writeHead(500).end());
}
