// LiveDnsSource: asks real DNS servers through c-ares. One event-loop thread owns the c-ares
// channel and keeps up to `max_in_flight` queries outstanding; any number of threads submit
// questions through a locked queue and either block until their answers arrive (LookupMany) or get
// them in a callback from the loop thread (LookupManyAsync), which holds no thread while waiting.
// UDP with EDNS0, TCP when a reply is truncated, per-try timeouts and retries; answers are parsed
// from the wire so TTLs and SOA minimums survive.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dns/resolver.h"
#include "util/status.h"

namespace mv {

struct LiveDnsOptions {
  // "HOST[:PORT]" (IPv6 as "[ADDR]:PORT"); empty means the servers of /etc/resolv.conf.
  std::vector<std::string> servers;
  // c-ares waits timeout_ms on the first try and doubles it on each later round, so a dead server
  // costs at most timeout_ms * (2^tries - 1) per question.
  int timeout_ms = 2000;
  int tries = 2;
  // Queries outstanding at once, counting each only until its first try times out (a query that
  // slow waits on a dead server and should not keep live questions queued).
  size_t max_in_flight = 256;
  bool edns = true;             // EDNS0 OPT record, so larger answers fit in UDP
  uint16_t edns_size = 1232;    // advertised UDP payload size (the DNS flag day 2020 value)
  uint32_t negative_ttl = 300;  // for negative answers without a SOA
  int max_cname_queries = 8;    // re-queries for CNAME targets the server did not include
  // Largest answer accepted (UDP or TCP); a larger one is permerror. 65535 is the protocol's own
  // bound, so the default only refuses nothing; a lower value bounds what a hostile zone can cost.
  size_t max_answer_bytes = 65535;
  // Keep truncated UDP answers instead of asking again over TCP (to show in tests that TCP is what
  // makes large answers work; never useful in a run).
  bool ignore_truncation = false;
  // UDP receive buffer: a window of 256 answers of ~1 KB overflows the 208 KB default and the
  // dropped answers then cost a full timeout. Capped by the kernel's net.core.rmem_max.
  int receive_buffer_bytes = 4 << 20;
};

// What went on the wire, by kind, so a run can say where its queries went (issue 15 found 22,660
// queries for 7,200 cache misses and no way to tell A/AAAA pairs from retries or TCP).
struct LiveDnsStats {
  uint64_t queries = 0;   // c-ares queries started (a question with CNAME re-queries counts more)
  uint64_t timeouts = 0;  // questions that ended with no answer in time
  uint64_t failures = 0;  // questions that ended in temperror or permerror (timeouts included)
  // Queries started, by type: A, AAAA, MX, TXT, PTR, anything else.
  uint64_t a = 0, aaaa = 0, mx = 0, txt = 0, ptr = 0, other = 0;
  uint64_t cname_requeries = 0;  // of `queries`: the target of a CNAME asked again
  uint64_t retries = 0;          // tries sent again after a try timed out (c-ares' count)
  uint64_t tcp_connections = 0;  // TCP connections opened (truncated UDP answers, or a TCP-only
                                 // server)
};

// "TXT 12, A 3, ...; 2 CNAME re-queries, 5 retries after a timeout, 1 TCP connection" (kinds
// that are zero left out) for the run summary.
std::string FormatWireQueries(const LiveDnsStats& stats);

class LiveDnsSource : public DnsResolver {
 public:
  static Result<std::unique_ptr<LiveDnsSource>> Create(const LiveDnsOptions& options);
  ~LiveDnsSource() override;
  LiveDnsSource(const LiveDnsSource&) = delete;
  LiveDnsSource& operator=(const LiveDnsSource&) = delete;

  DnsAnswer Lookup(std::string_view name, DnsType type) override;
  void Prefetch(std::span<const DnsQuestion> questions) override;
  std::vector<DnsAnswer> LookupMany(std::span<const DnsQuestion> questions) override;
  // `done` runs on the event-loop thread when the last answer arrives; keep it short.
  void LookupManyAsync(std::vector<DnsQuestion> questions,
                       std::function<void(std::vector<DnsAnswer>)> done) override;

  size_t QueuedQuestions() const override;

  LiveDnsStats stats() const;

  class Loop;  // the event-loop thread and the c-ares channel (live_source.cc)

 private:
  explicit LiveDnsSource(std::unique_ptr<Loop> loop);
  std::unique_ptr<Loop> loop_;
};

// Whether `name` (normalised, raw label bytes) can be put in a query: 1..253 bytes, labels of
// 1..63 bytes of any value but NUL (RFC 2181 11). Others get permerror without reaching the
// network.
bool IsQueryableDnsName(std::string_view name);

}  // namespace mv
