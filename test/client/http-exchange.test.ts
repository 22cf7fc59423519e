// The CLI's own HTTP exchange (src/client/http-exchange.ts) against raw servers that answer in
// each way HTTP allows, and in some it does not.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { exchange } from '../../src/client/http-exchange.js';

const servers: net.Server[] = [];

/** A server that reads one request, hands it to `onRequest`, and writes what that returns, in pieces. */
async function serve(answer: (request: string) => (string | Buffer)[], end = true): Promise<number> {
  const server = net.createServer((socket) => {
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (!got.includes('\r\n\r\n')) return;
      const length = Number(/content-length: (\d+)/i.exec(got)?.[1] ?? 0);
      if (got.length - got.indexOf('\r\n\r\n') - 4 < length) return;
      const pieces = answer(got);
      let i = 0;
      const next = (): void => {
        if (i < pieces.length) socket.write(pieces[i++]!, () => setImmediate(next));
        else if (end) socket.end();
      };
      next();
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

const ask = (port: number, body?: string) => exchange({ host: '127.0.0.1', port, method: body ? 'POST' : 'GET', path: '/x', headers: { 'x-test': '1' }, body, timeoutMs: 2000 });

describe('http exchange', () => {
  after(() => servers.forEach((s) => s.close()));

  it('sends the method, path, headers and body; reads an answer by content-length, even in pieces', async () => {
    let seen = '';
    const port = await serve((req) => {
      seen = req;
      return ['HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Gflow-Protocol: 2\r\nContent-Length: 10\r\n', '\r\n{"a":', '"ü"}'];
    }, false);
    const a = await ask(port, '{"q":1}');
    assert.equal(a.status, 201);
    assert.equal(a.headers['x-gflow-protocol'], '2');
    assert.equal(a.body.toString('utf8'), '{"a":"ü"}');
    assert.match(seen, /^POST \/x HTTP\/1\.1\r\n/);
    assert.match(seen, /\r\nx-test: 1\r\n/);
    assert.match(seen, /\r\ncontent-length: 7\r\n\r\n\{"q":1\}$/);
  });

  it('decodes a chunked answer, and reads one without a length to the end of the connection', async () => {
    const chunked = await serve(() => ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n', '2\r\nde\r\n0\r\n\r\n'], false);
    assert.equal((await ask(chunked)).body.toString(), 'abcde');
    const untilEnd = await serve(() => ['HTTP/1.0 200 OK\r\n\r\nall', ' of it']);
    assert.equal((await ask(untilEnd)).body.toString(), 'all of it');
  });

  it('a cut-off answer, a non-HTTP answer and a refused connection are errors with a code', async () => {
    const cut = await serve(() => ['HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort']);
    await assert.rejects(ask(cut), { code: 'ECONNRESET' });
    const notHttp = await serve(() => ['SSH-2.0-OpenSSH_9.2\r\n\r\n']);
    await assert.rejects(ask(notHttp), { code: 'EPROTO' });
    const closed = await serve(() => []);
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 10));
    await assert.rejects(ask(closed), { code: 'ECONNREFUSED' });
  });

  it('a silent server times out', async () => {
    const silent = await serve(() => [], false);
    await assert.rejects(exchange({ host: '127.0.0.1', port: silent, method: 'GET', path: '/', headers: {}, timeoutMs: 200 }), { code: 'ETIMEDOUT' });
  });
});
