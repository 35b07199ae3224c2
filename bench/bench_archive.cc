// Archive reader benchmarks: mbox splitting throughput (GB/s) on a generated 256 MiB mbox of ~6 KB
// messages that contain quoted "From " and "> " lines, mapped or read from a file (page cache) and
// from memory, and the line-start scan alone. Also a tool mode for the memory bound:
//   bench_archive --generate=PATH --size=BYTES   write a generated mbox
//   bench_archive --rss=PATH [--hold=N] [--read] read it, holding the last N messages (like a
//                                                pipeline with N in flight); print peak RSS
//                                                (--read: read(2) instead of mmap windows)
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "archive/archive_reader.h"
#include "archive/line_start_scan.h"
#include "archive/mbox_splitter.h"

namespace {

// One mboxrd-quoted message of about 6 KB, as a mail archive would hold it.
void AppendMessage(std::mt19937_64& rng, uint64_t n, std::string* out) {
  static const char* kWords[] = {"the",     "archive", "message", "verify", "signature", "domain",
                                 "policy",  "from",    "header",  "body",   "relay",     "quoted",
                                 "example", "mail",    "report",  "key",    "selector",  "hash"};
  auto word = [&] { return kWords[rng() % std::size(kWords)]; };
  *out += "From sender" + std::to_string(n % 977) + "@example.org Mon Jan  6 10:00:00 2025\n";
  for (int i = 0; i < 3; ++i) {
    *out += "Received: from relay" + std::to_string(i) + ".example.net (relay" + std::to_string(i) +
            ".example.net [192.0.2." + std::to_string(i + 1) +
            "])\n\tby mx.example.org with ESMTPS id " + std::to_string(rng()) +
            "\n\tfor <user@example.org>; Mon, 6 Jan 2025 10:00:0" + std::to_string(i) + " +0000\n";
  }
  *out +=
      "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel;\n"
      "\th=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n"
      "\tb=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaGFzIHRoZSByaWdodCBsZW5ndGggZm9y\n"
      "\t IGEgYmVuY2htYXJrIG9mIHRoZSBhcmNoaXZlIHJlYWRlcg==\n";
  *out +=
      "From: Sender <sender" + std::to_string(n % 977) + "@example.org>\nTo: user@example.org\n";
  *out += "Subject: message " + std::to_string(n) + "\nDate: Mon, 6 Jan 2025 10:00:00 +0000\n";
  *out += "Message-ID: <" + std::to_string(n) + "@example.org>\nMIME-Version: 1.0\n";
  *out += "Content-Type: text/plain; charset=utf-8\n\n";
  size_t target = 4500 + rng() % 3000;
  size_t start = out->size();
  while (out->size() - start < target) {
    uint64_t kind = rng() % 40;
    if (kind == 0) {
      *out += "\n>From the previous message, as quoted by the mbox writer\n";
    } else if (kind < 5) {
      *out += "> quoted reply line with some text in it\n";
    } else {
      std::string line;
      while (line.size() < 64) line += std::string(word()) + " ";
      line.back() = '\n';
      *out += line;
    }
  }
  *out += "\n";
}

void Generate(const std::string& path, uint64_t size) {
  std::ofstream f(path, std::ios::binary);
  std::mt19937_64 rng(42);
  std::string block;
  uint64_t written = 0;
  for (uint64_t n = 0; written < size; ++n) {
    AppendMessage(rng, n, &block);
    if (block.size() > (1u << 20)) {
      f.write(block.data(), static_cast<std::streamsize>(block.size()));
      written += block.size();
      block.clear();
    }
  }
  f.write(block.data(), static_cast<std::streamsize>(block.size()));
}

std::string g_path;
uint64_t g_size = 0;

void BM_MboxSplitFile(benchmark::State& state, mv::MboxVariant variant, bool map,
                      size_t index_windows_from = mv::ArchiveOptions{}.index_windows_from) {
  mv::ArchiveOptions options;
  options.mbox_variant = variant;
  options.map_files = map;
  options.index_windows_from = index_windows_from;
  uint64_t messages = 0;
  for (auto _ : state) {
    mv::ArchiveReader reader({mv::InputSpec{g_path}}, options);
    mv::RawMessage m;
    while (reader.Next(&m)) benchmark::DoNotOptimize(m.bytes.data());
    messages = reader.stats().messages;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * g_size));
  state.counters["messages"] = static_cast<double>(messages);
}
// The default for a regular file: mmap windows (ArchiveOptions::map_files).
// The same with the reader scanning alone (no LineStartIndex): what the serial stage cost before.
BENCHMARK_CAPTURE(BM_MboxSplitFile, auto_reader_scans, mv::MboxVariant::kAuto, true, SIZE_MAX)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MboxSplitFile, auto, mv::MboxVariant::kAuto, true)
    -> Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MboxSplitFile, mboxrd, mv::MboxVariant::kMboxrd, true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MboxSplitFile, mboxo, mv::MboxVariant::kMboxo, true)
    ->Unit(benchmark::kMillisecond);
// The read(2) path pipes, stdin and compressed inputs take, on the same file.
BENCHMARK_CAPTURE(BM_MboxSplitFile, auto_read, mv::MboxVariant::kAuto, false)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MboxSplitFile, mboxo_read, mv::MboxVariant::kMboxo, false)
    ->Unit(benchmark::kMillisecond);

// As a pipeline consumes it: every message moved into a fresh RawMessage and held in a ring of 256
// in flight, so chunks cannot be refilled in place and each provenance path is a new string.
void BM_MboxSplitFileInFlight(benchmark::State& state, bool map) {
  mv::ArchiveOptions options;
  options.map_files = map;
  for (auto _ : state) {
    std::vector<mv::RawMessage> ring(256);
    size_t slot = 0;
    mv::ArchiveReader reader({mv::InputSpec{g_path}}, options);
    mv::RawMessage m;
    while (reader.Next(&m)) {
      ring[slot] = std::move(m);
      m = mv::RawMessage();
      slot = (slot + 1) % ring.size();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * g_size));
}
BENCHMARK_CAPTURE(BM_MboxSplitFileInFlight, mapped, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MboxSplitFileInFlight, read, false)->Unit(benchmark::kMillisecond);

// Splitting alone, without read(2): the mbox is held in memory.
void BM_MboxSplitMemory(benchmark::State& state) {
  static const std::string data = [] {
    std::ifstream f(g_path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }();
  std::string_view all(data);
  for (auto _ : state) {
    mv::MemorySource source(all.substr(5));
    mv::MboxSplitter splitter(&source, mv::ArchiveOptions{}, all.substr(0, 5));
    mv::RawMessage m;
    while (splitter.Next(&m) == mv::MboxSplitter::Event::kMessage) {
      benchmark::DoNotOptimize(m.bytes.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_MboxSplitMemory)->Unit(benchmark::kMillisecond);

// The "\nFrom " / "\n>From " scan alone over the whole mbox in memory (DRAM-bound) and over a
// 256 KiB slice (cache-resident, so the scan's own instruction cost shows).
template <char... Followers>
void BM_FindLineStart(benchmark::State& state) {
  static const std::string data = [] {
    std::ifstream f(g_path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }();
  const size_t size = std::min<size_t>(data.size(), static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    const char* p = data.data();
    const char* end = p + size;
    size_t hits = 0;
    while (const char* hit = mv::FindLineStart<Followers...>(p, end)) {
      ++hits;
      p = hit + 1;
    }
    benchmark::DoNotOptimize(hits);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}
BENCHMARK(BM_FindLineStart<'F'>)->Arg(256 << 10)->Arg(1 << 30);
BENCHMARK(BM_FindLineStart<'F', '>'>)->Arg(256 << 10)->Arg(1 << 30);

int MeasureRss(const std::string& path, size_t hold, bool map) {
  std::deque<mv::RawMessage> in_flight;
  mv::ArchiveOptions options;
  options.map_files = map;
  mv::ArchiveReader reader({mv::InputSpec{path}}, options);
  mv::RawMessage m;
  while (reader.Next(&m)) {
    if (hold == 0) continue;
    in_flight.push_back(std::move(m));
    m = mv::RawMessage();
    if (in_flight.size() > hold) in_flight.pop_front();
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("messages=%llu bytes=%llu input_errors=%llu hold=%zu %s peak_rss_kib=%ld\n",
              static_cast<unsigned long long>(reader.stats().messages),
              static_cast<unsigned long long>(reader.stats().bytes),
              static_cast<unsigned long long>(reader.stats().input_errors), hold,
              map ? "mapped" : "read", usage.ru_maxrss);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string generate, rss;
  uint64_t size = uint64_t{256} << 20;
  size_t hold = 0;
  bool map = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--generate=", 0) == 0) generate = a.substr(11);
    if (a.rfind("--size=", 0) == 0) size = std::strtoull(a.c_str() + 7, nullptr, 10);
    if (a.rfind("--rss=", 0) == 0) rss = a.substr(6);
    if (a.rfind("--hold=", 0) == 0) hold = std::strtoull(a.c_str() + 7, nullptr, 10);
    if (a == "--read") map = false;
  }
  if (!generate.empty()) {
    Generate(generate, size);
    return 0;
  }
  if (!rss.empty()) return MeasureRss(rss, hold, map);

  g_path = (std::filesystem::temp_directory_path() /
            ("mv-bench-archive-" + std::to_string(::getpid()) + ".mbox"))
               .string();
  Generate(g_path, size);
  g_size = std::filesystem::file_size(g_path);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove(g_path);
  return 0;
}
