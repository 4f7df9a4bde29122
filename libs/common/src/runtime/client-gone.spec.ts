import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { whenClientGone } from './client-gone';

/** On a real node:http server and a raw socket that stays or leaves. */
describe('whenClientGone', () => {
  /**
   * How many times `onGone` ran for a POST whose handler starts watching once the body is read and `ready` has
   * passed; the client either leaves as soon as it has sent the body, or reads the answer first.
   */
  async function goneCalls(leave: boolean, ready: (res: ServerResponse) => Promise<unknown>): Promise<number> {
    let calls = 0;
    let watched!: () => void;
    const started = new Promise<void>((r) => (watched = r));
    const server = createServer((req, res) => {
      req.resume();
      req.once('end', async () => {
        await ready(res);
        whenClientGone(res, () => calls++);
        watched();
        if (!res.destroyed) res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1', () => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab');
      if (leave) socket.destroy();
    });
    socket.on('error', () => undefined);
    await started;
    if (!leave) await once(socket, 'data');
    socket.destroy();
    await new Promise((r) => server.close(r));
    return calls;
  }

  it('calls back at once for a client that left while its body was read', async () => {
    expect(await goneCalls(true, (res) => (res.destroyed ? Promise.resolve() : once(res, 'close')))).toBe(1);
  });

  it('stays quiet for a client that reads its answer', async () => {
    expect(await goneCalls(false, () => Promise.resolve())).toBe(0);
  });
});
