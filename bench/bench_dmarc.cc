// DMARC micro-benchmarks: one evaluation of a typical message (From parsing, policy discovery in a
// MemoryDnsSource, organizational domains for relaxed alignment, record parsing), and its parts.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "dmarc/address.h"
#include "dmarc/dmarc_evaluator.h"
#include "dmarc/dmarc_record.h"
#include "dmarc/org_domain.h"
#include "dns/memory_source.h"

namespace mv {
namespace {

constexpr const char* kRecord =
    "v=DMARC1; p=quarantine; sp=reject; adkim=r; aspf=r; pct=100; "
    "rua=mailto:dmarc-reports@example.co.uk,mailto:agg@reports.example.net; "
    "ruf=mailto:forensic@example.co.uk; fo=1; ri=86400";

MemoryDnsSource* Zone() {
  static MemoryDnsSource* dns = [] {
    auto* d = new MemoryDnsSource();
    d->AddTxt("_dmarc.example.co.uk", {kRecord});
    return d;
  }();
  return dns;
}

DmarcInput TypicalInput() {
  DmarcInput in;
  in.from_values = {" \"Example News\" <newsletter@mail.example.co.uk>"};
  in.dkim = {{"esp-mailer.net", true}, {"mail.example.co.uk", true}};
  in.spf = {"bounces.example.co.uk", "pass"};
  in.sampling_key = "<20260101.123@mail.example.co.uk>";
  return in;
}

// A passing message whose policy is found at the organizational domain.
void BM_DmarcEvaluate(benchmark::State& state) {
  DmarcEvaluator evaluator(Zone());
  const DmarcInput in = TypicalInput();
  for (auto _ : state) {
    DmarcResult r = evaluator.Evaluate(in);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DmarcEvaluate);

// As in a scan: every message has its own From value (a new display name or local part), so the
// From parse is a cache miss while the domains and the record repeat.
void BM_DmarcEvaluateNewFrom(benchmark::State& state) {
  DmarcEvaluator evaluator(Zone());
  DmarcInput in = TypicalInput();
  uint64_t n = 0;
  std::string from;
  for (auto _ : state) {
    from = "\"Reader " + std::to_string(n++) + "\" <newsletter@mail.example.co.uk>";
    in.from_values = {from};
    DmarcResult r = evaluator.Evaluate(in);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DmarcEvaluateNewFrom);

void BM_ExtractFromDomain(benchmark::State& state) {
  const DmarcInput in = TypicalInput();
  for (auto _ : state) {
    Result<std::string> d = ExtractFromDomain(in.from_values);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExtractFromDomain);

void BM_OrganizationalDomain(benchmark::State& state) {
  for (auto _ : state) {
    std::string org = OrganizationalDomain("mail.example.co.uk");
    benchmark::DoNotOptimize(org);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OrganizationalDomain);

void BM_ParseDmarcRecord(benchmark::State& state) {
  for (auto _ : state) {
    Result<DmarcRecord> r = ParseDmarcRecord(kRecord);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseDmarcRecord);

}  // namespace
}  // namespace mv

BENCHMARK_MAIN();
