// Header indexing micro-benchmark: HeaderIndex::Build over the header section of a realistic
// archived message (Received chain, two DKIM-Signature fields, List-* fields, folded lines), in
// CRLF and in bare-LF form, and the case-insensitive lookups the checks make afterwards.
#include <benchmark/benchmark.h>

#include <string>

#include "message/header_index.h"

namespace mv {
namespace {

std::string MakeMessage(bool lf) {
  std::string m;
  auto line = [&](const std::string& s) { m += s + (lf ? "\n" : "\r\n"); };
  for (int hop = 0; hop < 4; ++hop) {
    line("Received: from mx" + std::to_string(hop) + ".example.net (mx" + std::to_string(hop) +
         ".example.net [192.0.2." + std::to_string(hop + 1) + "])");
    line("\tby mail.example.org (Postfix) with ESMTPS id 4F" + std::to_string(hop) + "ABC123");
    line("\tfor <bob@example.org>; Mon, 1 Jan 2024 00:00:0" + std::to_string(hop) + " +0000");
  }
  line("Return-Path: <bounce-1234@bounces.example.net>");
  for (const char* d : {"esp.example", "example.net"}) {
    line(std::string("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=") + d +
         "; s=sel2024;");
    line("\th=from:to:subject:date:message-id:mime-version:content-type:list-unsubscribe;");
    line("\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;");
    line("\tb=dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSbav+yuU4zGeeruD00lszZVoG4ZHRNiYzR0Nx8HbwGQOcm");
    line("\t VbTqfNvy1HPzfxd8C9/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456");
    line("\t 789+/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/abcdefghijk");
  }
  line("From: \"Alice Example\" <alice@example.net>");
  line("To: Bob <bob@example.org>, Carol <carol@example.org>");
  line("Subject: A subject line that is");
  line(" folded over two lines");
  line("Date: Mon, 1 Jan 2024 00:00:00 +0000");
  line("Message-ID: <1234567890.abcdef@example.net>");
  line("MIME-Version: 1.0");
  line("Content-Type: multipart/alternative; boundary=\"b1_0123456789abcdef\"");
  line("List-Id: Example news <news.example.net>");
  line("List-Unsubscribe: <mailto:unsub-1234@example.net>, <https://example.net/u/1234>");
  line("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
  line("X-Mailer: Example Mailer 4.2");
  line("");
  for (int i = 0; i < 100; ++i) line("Body line " + std::to_string(i) + " of some text.");
  return m;
}

void IndexBench(benchmark::State& state, bool lf) {
  const std::string message = MakeMessage(lf);
  const size_t header_bytes = HeaderIndex::Build(message).body_offset();
  for (auto _ : state) {
    HeaderIndex index = HeaderIndex::Build(message);
    benchmark::DoNotOptimize(index.fields().data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * header_bytes));
  state.counters["fields"] = static_cast<double>(HeaderIndex::Build(message).fields().size());
}
void BM_HeaderIndexCrlf(benchmark::State& s) {
  IndexBench(s, false);
}
void BM_HeaderIndexLf(benchmark::State& s) {
  IndexBench(s, true);
}
BENCHMARK(BM_HeaderIndexCrlf);
BENCHMARK(BM_HeaderIndexLf);

// The lookups of one message's checks: From, Return-Path, every DKIM-Signature and Received, ARC.
void BM_HeaderLookups(benchmark::State& state) {
  const std::string message = MakeMessage(false);
  const HeaderIndex index = HeaderIndex::Build(message);
  for (auto _ : state) {
    benchmark::DoNotOptimize(index.First("from"));
    benchmark::DoNotOptimize(index.First("return-path"));
    benchmark::DoNotOptimize(index.All("dkim-signature"));
    benchmark::DoNotOptimize(index.All("received"));
    benchmark::DoNotOptimize(index.Count("arc-seal"));
  }
}
BENCHMARK(BM_HeaderLookups);

}  // namespace
}  // namespace mv

BENCHMARK_MAIN();
