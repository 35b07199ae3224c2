// SPF micro-benchmarks: check_host() over a realistic record set held in a MemoryDnsSource (a
// domain that includes Google Workspace, Microsoft 365 and a mailing provider, as many do), macro
// expansion, and Received header parsing / envelope recovery.
#include <benchmark/benchmark.h>

#include "dns/dns_cache.h"
#include "dns/memory_source.h"
#include "message/header_index.h"
#include "spf/envelope.h"
#include "spf/received.h"
#include "spf/spf_check.h"
#include "spf/spf_evaluator.h"
#include "spf/spf_macro.h"

namespace mv {
namespace {

MemoryDnsSource* RealisticZone() {
  static MemoryDnsSource* dns = [] {
    auto* d = new MemoryDnsSource();
    d->AddTxt("example.com",
              {"v=spf1 mx include:_spf.google.com include:spf.protection.outlook.com "
               "include:servers.mcsv.net ip4:203.0.113.0/24 -all"});
    d->AddTxt("example.com", {"google-site-verification=abcdefghijklmnopqrstuvwxyz0123456789"});
    d->AddTxt("example.com", {"MS=ms12345678"});
    DnsRecord mx;
    mx.type = DnsType::kMx;
    mx.preference = 10;
    mx.target = "mx1.example.com";
    d->Add("example.com", mx);
    mx.preference = 20;
    mx.target = "mx2.example.com";
    d->Add("example.com", mx);
    d->AddAddress("mx1.example.com", "198.18.0.10");
    d->AddAddress("mx2.example.com", "198.18.0.11");
    d->AddTxt("_spf.google.com",
              {"v=spf1 include:_netblocks.google.com "
               "include:_netblocks2.google.com include:_netblocks3.google.com ~all"});
    d->AddTxt(
        "_netblocks.google.com",
        {"v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ip4:66.102.0.0/20 "
         "ip4:66.249.80.0/20 ip4:72.14.192.0/18 ip4:74.125.0.0/16 ip4:108.177.8.0/21 "
         "ip4:173.194.0.0/16 ip4:209.85.128.0/17 ip4:216.58.192.0/19 ip4:216.239.32.0/19 ~all"});
    d->AddTxt("_netblocks2.google.com",
              {"v=spf1 ip6:2001:4860:4000::/36 ip6:2404:6800:4000::/36 ip6:2607:f8b0:4000::/36 "
               "ip6:2800:3f0:4000::/36 ip6:2a00:1450:4000::/36 ip6:2c0f:fb50:4000::/36 ~all"});
    d->AddTxt(
        "_netblocks3.google.com",
        {"v=spf1 ip4:172.217.0.0/19 ip4:172.217.32.0/20 ip4:172.217.128.0/19 "
         "ip4:172.217.160.0/20 ip4:172.217.192.0/19 ip4:172.253.56.0/21 "
         "ip4:172.253.112.0/20 ip4:108.177.96.0/19 ip4:35.191.0.0/16 ip4:130.211.0.0/22 ~all"});
    d->AddTxt(
        "spf.protection.outlook.com",
        {"v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/15 ip4:52.102.0.0/16 "
         "ip4:52.103.0.0/17 ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 "
         "ip6:2a01:111:f403:8000::/51 ip6:2a01:111:f403:c000::/51 ip6:2a01:111:f403:f000::/52 "
         "-all"});
    d->AddTxt("servers.mcsv.net", {"v=spf1 ip4:205.201.128.0/20 ip4:198.2.128.0/18 "
                                   "ip4:148.105.8.0/21 -all"});
    return d;
  }();
  return dns;
}

void RunCheckHost(benchmark::State& state, const char* ip, DnsResolver* dns = RealisticZone()) {
  SpfEvaluator evaluator(dns);
  SpfRequest request;
  request.ip = *IpAddress::Parse(ip);
  request.domain = "example.com";
  request.sender = "newsletter@example.com";
  request.helo = "mail.example.com";
  for (auto _ : state) {
    SpfVerdict v = evaluator.CheckHost(request);
    benchmark::DoNotOptimize(v);
  }
  state.counters["evaluations/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Passes in the Microsoft 365 include (6 DNS-querying terms evaluated).
void BM_CheckHostPassViaInclude(benchmark::State& state) {
  RunCheckHost(state, "40.107.22.55");
}
// Walks every term and fails on -all (the worst case for this record set).
void BM_CheckHostFail(benchmark::State& state) {
  RunCheckHost(state, "81.2.69.142");
}
BENCHMARK(BM_CheckHostPassViaInclude);
BENCHMARK(BM_CheckHostFail);

// The same behind a DnsCache, as the pipeline asks (every question a cache hit after the first).
void BM_CheckHostPassViaIncludeCached(benchmark::State& state) {
  DnsCache cache(RealisticZone());
  RunCheckHost(state, "40.107.22.55", &cache);
}
void BM_CheckHostFailCached(benchmark::State& state) {
  DnsCache cache(RealisticZone());
  RunCheckHost(state, "81.2.69.142", &cache);
}
BENCHMARK(BM_CheckHostPassViaIncludeCached);
BENCHMARK(BM_CheckHostFailCached);

void BM_MacroExpansion(benchmark::State& state) {
  IpAddress ip = *IpAddress::Parse("192.0.2.3");
  SpfMacroValues v;
  v.sender = "strong-bad@email.example.com";
  v.local_part = "strong-bad";
  v.sender_domain = "email.example.com";
  v.domain = "email.example.com";
  v.ip = &ip;
  v.helo = "mx.example.org";
  std::string out;
  for (auto _ : state) {
    out.clear();
    ExpandMacroString("%{ir}.%{v}._spf.%{d2}", v, MacroContext::kDomainSpec, &out);
    ExpandMacroString("%{lr-}.lp._spf.%{d2}", v, MacroContext::kDomainSpec, &out);
    benchmark::DoNotOptimize(out);
  }
  state.counters["expansions/s"] = benchmark::Counter(2.0 * static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MacroExpansion);

constexpr char kPostfixReceived[] =
    " from mail-ej1-f54.google.com (mail-ej1-f54.google.com [209.85.218.54])\r\n"
    "\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)\r\n"
    "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n"
    "\t(No client certificate requested)\r\n"
    "\tby mx.example.net (Postfix) with ESMTPS id 4T2bXk3Zt1z9sW5\r\n"
    "\tfor <alice@example.net>; Mon,  8 Jan 2024 10:15:02 +0100 (CET)";

void ReceivedBench(benchmark::State& state, std::string_view value) {
  ReceivedHop hop;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseReceived(value, &hop));
  }
  state.counters["headers/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_ReceivedParse(benchmark::State& state) {
  ReceivedBench(state, kPostfixReceived);
}
BENCHMARK(BM_ReceivedParse);

// Exim's layout, as in the benchmark corpus: a short from-clause and a long tail after "with".
constexpr char kEximReceived[] =
    " from o5.sendwave.com ([2001:db8:e000::29] helo=o5.sendwave.com)\r\n"
    "\tby mx1.familymail.org with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384\r\n"
    "\t(Exim 4.96)\r\n"
    "\t(envelope-from <bounce-7490fc5a@bounces.sendwave.com>)\r\n"
    "\tid 3vgO4z-kyYplc-Qz\r\n"
    "\tfor chloe.larsen@familymail.org;\r\n"
    "\tTue, 01 Jan 2019 02:01:09 +0000";

void BM_ReceivedParseExim(benchmark::State& state) {
  ReceivedBench(state, kEximReceived);
}
BENCHMARK(BM_ReceivedParseExim);

void BM_ExtractEnvelope(benchmark::State& state) {
  std::string msg =
      "Return-Path: <bounces@example.com>\r\n"
      "Received: from mx1.example.net (mx1.example.net [10.0.0.5])\r\n"
      "\tby store.example.net (Postfix) with LMTP id 77AA1; Mon,  8 Jan 2024 10:15:03 +0100\r\n"
      "Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=209.85.218.54\r\n"
      "Received:";
  msg += kPostfixReceived;
  msg += "\r\nFrom: a@example.com\r\nSubject: hello\r\n\r\nbody\r\n";
  HeaderIndex h = HeaderIndex::Build(msg);
  EnvelopeOptions options;
  for (auto _ : state) {
    SpfEnvelope e = ExtractEnvelope(h, options);
    benchmark::DoNotOptimize(e);
  }
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ExtractEnvelope);

// What the pipeline runs per message: the envelope from the header, then check_host() through the
// cache (the boundary hop's client passes in the Google include).
void BM_SpfCheck(benchmark::State& state) {
  std::string msg =
      "Return-Path: <newsletter-bounces@example.com>\r\n"
      "Received:";
  msg += kPostfixReceived;
  msg += "\r\nFrom: a@example.com\r\nSubject: hello\r\n\r\nbody\r\n";
  HeaderIndex h = HeaderIndex::Build(msg);
  DnsCache cache(RealisticZone());
  SpfOptions options;
  for (auto _ : state) {
    SpfOutcome o = SpfCheck(h, cache, options);
    benchmark::DoNotOptimize(o);
  }
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SpfCheck);

}  // namespace
}  // namespace mv

BENCHMARK_MAIN();
