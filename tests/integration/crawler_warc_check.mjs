// Reads the crawler's WARC files with warcio (the npm package) and checks that
// every 200 response body is byte for byte what the server serves for the same
// request. For tests/integration/crawler_*.sh.
//
// usage: WARCIO=DIR node crawler_warc_check.mjs PORT FILE...
//   DIR holds node_modules/warcio (npm install warcio)
// Prints "records N responses N compared N mismatches N" and exits 1 on a mismatch.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const warcio = await import(pathToFileURL(path.join(process.env.WARCIO, 'node_modules/warcio/dist/index.js')).href);
const [port, ...files] = process.argv.slice(2);

// The crawler adds the WeChat credentials (key, appmsg_token) to these
// requests and redacts them from the WARC; the test passes them back here.
const extra = process.env.CR_WECHAT_QUERY || '';

function fetch(method, url, body) {
  const u = new URL(url);
  if (extra && u.host === 'mp.weixin.qq.com' && /^\/mp\/(getappmsgext|profile_ext)/.test(u.pathname))
    u.search += (u.search ? '&' : '?') + extra;
  return new Promise((resolve, reject) => {
    const headers = { Host: u.host, 'Accept-Encoding': 'gzip, deflate' };
    if (method === 'POST') {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = http.request({ host: '127.0.0.1', port: Number(port), path: u.pathname + u.search, method, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      });
    req.on('error', reject);
    if (method === 'POST') req.write(body);
    req.end();
  });
}

let records = 0, responses = 0, compared = 0, mismatches = 0;
const resp = new Map(), reqs = new Map();
for (const f of files) {
  const parser = new warcio.WARCParser(fs.createReadStream(f));
  for await (const r of parser) {
    records++;
    const type = r.warcType;
    if (type === 'response') {
      const payload = Buffer.from(await r.readFully(false));
      responses++;
      resp.set(r.warcHeader('WARC-Record-ID'), {
        url: r.warcTargetURI, status: r.httpHeaders ? Number(r.httpHeaders.statusCode) : 0,
        truncated: r.warcHeader('WARC-Truncated'), payload,
      });
    } else if (type === 'request') {
      const payload = Buffer.from(await r.readFully(false));
      reqs.set(r.warcHeader('WARC-Concurrent-To'), {
        method: r.httpHeaders ? r.httpHeaders.method : 'GET', body: payload.toString('latin1'),
      });
    } else {
      await r.readFully(false);
    }
  }
}
for (const [id, x] of resp) {
  if (x.status !== 200 || x.truncated) continue;
  const q = reqs.get(id) || { method: 'GET', body: '' };
  const got = await fetch(q.method, x.url, q.body);
  compared++;
  if (got.status !== 200 || !got.body.equals(x.payload)) {
    mismatches++;
    if (mismatches <= 5)
      console.log(`mismatch ${q.method} ${x.url}: stored ${x.payload.length} bytes, served ${got.body.length} (status ${got.status})`);
  }
}
console.log(`records ${records} responses ${responses} compared ${compared} mismatches ${mismatches}`);
process.exit(mismatches || !compared ? 1 : 0);
