// Throughput of record output: JSON Lines serialisation alone, together with the display decoding
// (RFC 2047, Date) that fills a record from a message, and the Authentication-Results field a
// message gets. Reports records (or fields) per second.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "authres/authentication_results.h"
#include "message/header_index.h"
#include "report/json_lines.h"
#include "report/message_record.h"
#include "report/summary.h"
#include "util/json_writer.h"

namespace {

const char kMessage[] =
    "Return-Path: <alice@example.org>\r\n"
    "Received: from mail.example.org (mail.example.org [192.0.2.1])\r\n"
    "\tby mx.example.net with ESMTPS id abc123 for <bob@example.net>;\r\n"
    "\tMon, 3 Jan 2022 11:00:01 +0100\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel;\r\n"
    "\th=from:to:subject:date:message-id; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    "\tb=AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+"
    "NahM\r\n"
    "From: =?utf-8?q?Alice_M=C3=BCller?= <alice@example.org>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgQmVybGluLCB3aWUgZ2VodCBlcz8=?=\r\n"
    "Message-ID: <20220103100000.12345@example.org>\r\n"
    "Date: Mon, 3 Jan 2022 11:00:00 +0100\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Hello Bob,\r\n\r\nthis is the body.\r\n";

// A DKIM-like member of realistic size, as protocol checks will add.
const char kDkimMember[] =
    R"([{"result":"pass","d":"example.org","s":"sel","a":"rsa-sha256","key_bits":2048,)"
    R"("body_hash":"match","dns":{"name":"sel._domainkey.example.org","source":"zone","ttl":3600}}])";

mv::RawMessage Message() {
  static const auto owned = std::make_shared<std::string>(kMessage);
  mv::RawMessage m;
  m.buffer = owned;
  m.bytes = *owned;
  m.provenance.source = "/archive/2022/january.mbox";
  m.provenance.index = 123456;
  m.provenance.offset = 987654321;
  m.provenance.size = owned->size();
  return m;
}

mv::MessageRecord FilledRecord() {
  mv::RawMessage m = Message();
  mv::MessageRecord r;
  mv::FillBasicFields(m, mv::HeaderIndex::Build(m.bytes), &r);
  r.AddMember("dkim", kDkimMember);
  return r;
}

// Serialising a filled record, appending batch-style into one reused buffer.
void BM_AppendJsonLine(benchmark::State& state) {
  const mv::MessageRecord record = FilledRecord();
  std::string out;
  size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < 64; ++i) mv::AppendJsonLine(record, &out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 64);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_AppendJsonLine);

// Header index, display decoding, Date parsing and serialisation: the per-message output cost.
void BM_FillAndWriteRecord(benchmark::State& state) {
  const mv::RawMessage m = Message();
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < 64; ++i) {
      mv::MessageRecord r;
      mv::FillBasicFields(m, mv::HeaderIndex::Build(m.bytes), &r);
      r.AddMember("dkim", kDkimMember);
      mv::AppendJsonLine(r, &out);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_FillAndWriteRecord);

// The writer alone: an object shaped like the protocol members (short ASCII keys and values, a few
// longer reasons, one value with UTF-8 and one with bytes that need escaping).
void BM_JsonWriterObject(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < 64; ++i) {
      mv::JsonWriter w(&out);
      w.BeginObject();
      w.Field("result", "pass").Field("domain", "mail.example.co.uk");
      w.Field("org_domain", "example.co.uk").Field("policy_domain", "example.co.uk");
      w.Field("reason",
              "matched include:spf.protection.outlook.com in the SPF record of example.com");
      w.Field("subject",
              "Gr\xc3\xbc\xc3\x9f"
              "e aus Berlin, wie geht es?");
      static const char kRaw[] = "tab\there \"quoted\" \xff end";
      w.Field("raw", std::string_view(kRaw, sizeof kRaw - 1));
      w.Field("lookups", int64_t{6}).Field("recorded_differs", false);
      w.Key("rua").BeginArray().String("mailto:dmarc@example.co.uk").EndArray();
      w.EndObject();
      out.push_back('\n');
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 64);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_JsonWriterObject);

// The summary counters of a message with two DKIM signatures, counted the way AuthCheck counts
// them and added to the run summary.
void BM_RecordCounters(benchmark::State& state) {
  mv::RunSummary summary;
  for (auto _ : state) {
    for (int i = 0; i < 64; ++i) {
      mv::MessageRecord r;
      r.CountResult("dkim", "pass");
      r.CountResult("dkim", i % 8 == 0 ? "fail" : "pass");
      r.CountResult("spf", i % 4 == 0 ? "softfail" : "pass");
      r.CountResult("dmarc", "pass");
      r.CountResult("arc", "none");
      summary.Add(r);
    }
  }
  benchmark::DoNotOptimize(summary.counters().size());
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_RecordCounters);

// The Authentication-Results value of a typical message: two DKIM signatures, SPF, DMARC, ARC,
// built the way AuthCheck builds it (header.b prefixes, then entries viewing the results).
void BM_AuthenticationResults(benchmark::State& state) {
  const std::string b1 =
      "AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+";
  const std::string b2 =
      "Zy+x/wVUEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1";
  size_t bytes = 0;
  for (auto _ : state) {
    const std::vector<std::string_view> b_values = {b1, b2};
    const std::vector<std::string_view> b = mv::HeaderBPrefixes(b_values);
    std::vector<mv::AuthResEntry> entries;
    entries.reserve(5);
    entries.push_back(mv::DkimAuthRes("pass", "sendwave.com", "esp2020", b[0], {}, "@sendwave.com",
                                      "rsa-sha256"));
    entries.push_back(mv::DkimAuthRes("fail", "canyonspark.com", "send1", b[1],
                                      "body-hash-mismatch", "@canyonspark.com", "rsa-sha256"));
    entries.push_back(
        mv::SpfAuthRes("pass", "bounce-7490fc5a@bounces.sendwave.com", "o5.sendwave.com"));
    entries.push_back(mv::DmarcAuthRes("pass", "news.canyonspark.com", "reject"));
    entries.push_back(mv::ArcAuthRes("none"));
    mv::Result<std::string> field = mv::FormatAuthenticationResults("mx.example.net", entries);
    bytes += field->size();
    benchmark::DoNotOptimize(field->data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_AuthenticationResults);

}  // namespace

BENCHMARK_MAIN();
