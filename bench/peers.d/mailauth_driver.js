// bench/peers driver for mailauth (npm): verifies every DKIM signature of every message of a shard
// of MESSAGES with TXT answers from the local NSD, memoized (the promise is shared, so concurrent
// asks of one name send one query). Prints index TAB per-signature results, header order.
'use strict';
const fs = require('fs');
const dns = require('dns');
const { dkimVerify } = require('mailauth/lib/dkim/verify');

const [path, port, shard, nshards] = process.argv.slice(2);
const r = new dns.promises.Resolver({ timeout: 5000, tries: 2 });
r.setServers([`127.0.0.1:${port}`]);
const memo = new Map();
const resolver = (name, type) => {
  const key = `${type} ${name.toLowerCase()}`;
  if (!memo.has(key)) memo.set(key, r.resolve(name, type));
  return memo.get(key);
};

// Streams the records (holding the whole corpus would add its size to this process's RSS).
function* messages() {
  const fd = fs.openSync(path, 'r');
  let buf = Buffer.alloc(0);
  let index = 0;
  let eof = false;
  const fill = (need) => {
    while (buf.length < need && !eof) {
      const chunk = Buffer.alloc(1 << 20);
      const got = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) eof = true;
      buf = Buffer.concat([buf, chunk.subarray(0, got)]);
    }
  };
  for (;;) {
    fill(24);
    const nl = buf.indexOf(10);
    if (nl < 0) break;
    const n = parseInt(buf.toString('latin1', 0, nl), 10);
    fill(nl + 1 + n);
    const msg = Buffer.from(buf.subarray(nl + 1, nl + 1 + n));
    buf = buf.subarray(nl + 1 + n);
    if (index % Number(nshards) === Number(shard)) yield [index, msg];
    index++;
  }
  fs.closeSync(fd);
}

(async () => {
  const out = [];
  for (const [index, msg] of messages()) {
    const res = await dkimVerify(msg, { resolver });
    // An unsigned message comes back as one result 'none' without a signature: list nothing.
    const sigs = res.results.filter((x) => x.signingDomain !== undefined || x.status.result !== 'none');
    out.push(`${index}\t${sigs.map((x) => x.status.result).join(',')}\n`);
    if (out.length >= 256) process.stdout.write(out.splice(0).join(''));
  }
  process.stdout.write(out.join(''));
})();
