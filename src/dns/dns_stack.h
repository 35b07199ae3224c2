// DnsStack: the resolver a run uses, built from the command-line options in one call:
//
//   [recorder --dns-record] -> cache -> [keys --keys] -> zone files (--dns-zone) or live DNS
//
// With zone files the run is offline; without, it asks the servers given (or /etc/resolv.conf). The
// recorder sits on top so that it keeps every answer handed out, including cached failures and
// holds.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dns/dns_cache.h"
#include "dns/live_source.h"
#include "dns/memory_source.h"
#include "dns/resolver.h"
#include "util/status.h"

namespace mv {

struct DnsOptions {
  std::vector<std::string> zone_files;  // --dns-zone (repeatable): answer from these only
  std::string keys_file;    // --keys: historical DKIM keys (zone, or .json/.csv archive), first
  std::string record_file;  // --dns-record: write every answer used here
  LiveDnsOptions live;      // when zone_files is empty
  DnsCacheOptions cache;
};

class DnsStack {
 public:
  virtual ~DnsStack() = default;
  virtual DnsResolver& resolver() = 0;
  // Cache counters plus, for live DNS, the queries sent on the network.
  virtual DnsStats stats() const = 0;
  // Writes the --dns-record file now (atomically); Ok without one. Call at the end of a run (and
  // whenever a checkpoint is wanted).
  virtual Status Flush() = 0;
  // "zone", "dns" or "keys+zone", ... for the run summary.
  virtual std::string description() const = 0;
  // The in-memory layers (--keys, then --dns-zone), so that key checks can see every key record
  // before the scan; empty for live DNS without --keys.
  virtual std::vector<const MemoryDnsSource*> memory_sources() const = 0;
};

Result<std::unique_ptr<DnsStack>> BuildDnsStack(const DnsOptions& options);

}  // namespace mv
