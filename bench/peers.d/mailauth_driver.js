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

function* messages() {
  const data = fs.readFileSync(path);
  let pos = 0;
  let index = 0;
  while (pos < data.length) {
    const nl = data.indexOf(10, pos);
    const n = parseInt(data.toString('latin1', pos, nl), 10);
    const start = nl + 1;
    if (index % Number(nshards) === Number(shard)) yield [index, data.subarray(start, start + n)];
    pos = start + n;
    index++;
  }
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
