#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../report/mini_json.h"
#include "archive/archive_reader.h"
#include "util/json_writer.h"

namespace mv {
namespace {

using testing::JsonParser;
using testing::JsonValue;

// Counts message buffers alive, to check that the pipeline bounds memory.
struct BufferCounter {
  std::atomic<int> live{0};
  std::atomic<int> peak{0};
  void Acquire() {
    const int now = ++live;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
  }
};

// An in-memory archive of `n` messages. Every 13th has a broken header line, message 40 could not
// be read whole, and an unreadable input sits between messages 99 and 100.
class TestArchive {
 public:
  explicit TestArchive(int n, BufferCounter* counter = nullptr) : n_(n), counter_(counter) {}

  static constexpr int kReadErrorIndex = 40;
  static constexpr int kInputErrorBefore = 100;

  bool Next(RawMessage* out) {
    ++calls_;
    if (next_ >= n_) return false;
    if (next_ == kInputErrorBefore && !input_error_done_) {
      input_error_done_ = true;
      out->provenance.source = "unreadable.mbox";
      out->input_error = true;
      out->read_error = "unreadable.mbox: Permission denied";
      return true;
    }
    const int i = next_++;
    std::string text = "Message-ID: <" + std::to_string(i) + "@test>\r\n" + "From: user" +
                       std::to_string(i % 7) + "@domain" + std::to_string(i % 5) +
                       ".example\r\nSubject: message " + std::to_string(i) + "\r\n";
    if (i % 13 == 0) text += "this line has no colon\r\n";
    text += "\r\nbody " + std::to_string(i) + "\r\n";
    std::shared_ptr<std::string> owned;
    if (counter_ != nullptr) {
      counter_->Acquire();
      BufferCounter* c = counter_;
      owned = std::shared_ptr<std::string>(new std::string(std::move(text)), [c](std::string* s) {
        --c->live;
        delete s;
      });
    } else {
      owned = std::make_shared<std::string>(std::move(text));
    }
    out->buffer = owned;
    out->bytes = *owned;
    out->provenance = Provenance();
    out->provenance.source = "test.mbox";
    out->provenance.index = static_cast<uint64_t>(i);
    out->provenance.offset = static_cast<uint64_t>(i) * 100;
    out->provenance.size = owned->size();
    if (i == kReadErrorIndex) out->read_error = "message truncated";
    return true;
  }

  MessageSource Source() {
    return [this](RawMessage* m) { return Next(m); };
  }
  int calls() const { return calls_; }

 private:
  int n_;
  int next_ = 0;
  int calls_ = 0;
  bool input_error_done_ = false;
  BufferCounter* counter_;
};

// Remembers every Prefetch call, so a check can tell whether its question was fetched before it
// ran.
class RecordingResolver : public DnsResolver {
 public:
  DnsAnswer Lookup(std::string_view, DnsType) override { return DnsAnswer(); }
  void Prefetch(std::span<const DnsQuestion> questions) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.emplace_back(questions.begin(), questions.end());
    for (const DnsQuestion& q : questions) fetched_.insert(q.name);
  }
  bool WasPrefetched(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    return fetched_.count(name) > 0;
  }
  std::vector<std::vector<DnsQuestion>> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::vector<DnsQuestion>> calls_;
  std::set<std::string> fetched_;
};

// Asks for a TXT record at the From domain and reports whether it was prefetched before Run.
class DomainCheck : public MessageCheck {
 public:
  explicit DomainCheck(const RecordingResolver* resolver) : resolver_(resolver) {}

  static std::string Question(const ParsedMessage& msg) {
    const HeaderField* from = msg.headers.First("From");
    if (from == nullptr) return "";
    std::string_view v = from->value;
    return "_test." + std::string(v.substr(v.find('@') + 1));
  }
  void CollectQuestions(const ParsedMessage& msg, std::vector<DnsQuestion>* out) const override {
    out->push_back({Question(msg), DnsType::kTxt});
  }
  void Run(const ParsedMessage& msg, MessageRecord* record) const override {
    std::string json;
    JsonWriter w(&json);
    w.BeginObject().Field("question", Question(msg));
    if (resolver_ != nullptr) w.Field("prefetched", resolver_->WasPrefetched(Question(msg)));
    w.Field("headers", static_cast<uint64_t>(msg.headers.fields().size())).EndObject();
    record->AddMember("test", std::move(json));
    record->Count("test.ran");
  }

 private:
  const RecordingResolver* resolver_;
};

class CollectingSink : public BatchSink {
 public:
  Status Consume(std::span<const MessageRecord> records, std::string_view formatted) override {
    ++batches;
    for (const MessageRecord& r : records) this->records.push_back(r);
    text.append(formatted);
    if (fail_at_batch == batches) return Status::Error("disk full");
    return Status::Ok();
  }
  int batches = 0;
  int fail_at_batch = -1;
  std::vector<MessageRecord> records;
  std::string text;
};

std::string RunOnce(int n, PipelineOptions options, RecordingResolver* resolver,
                    CollectingSink* sink) {
  TestArchive archive(n);
  DomainCheck check(resolver);
  Pipeline pipeline(options, resolver);
  pipeline.AddCheck(&check);
  Status s = pipeline.Run(archive.Source(), sink);
  EXPECT_TRUE(s.ok()) << s.message();
  return sink->text;
}

TEST(Pipeline, EveryInputYieldsOneRecordInOrder) {
  constexpr int kMessages = 1000;
  RecordingResolver resolver;
  CollectingSink sink;
  PipelineOptions options;
  options.threads = 2;
  const std::string text = RunOnce(kMessages, options, &resolver, &sink);

  ASSERT_EQ(sink.records.size(), kMessages + 1u);  // plus the unreadable input
  const std::vector<std::string> lines = testing::SplitLines(text);
  ASSERT_EQ(lines.size(), sink.records.size());
  int message = 0;
  for (size_t k = 0; k < lines.size(); ++k) {
    std::optional<JsonValue> v = JsonParser::Parse(lines[k]);
    ASSERT_TRUE(v.has_value()) << lines[k];
    if (k == TestArchive::kInputErrorBefore) {
      EXPECT_EQ(v->Str("source"), "unreadable.mbox");
      EXPECT_TRUE(v->Get("input_error")->boolean);
      EXPECT_EQ(v->Str("error"), "unreadable.mbox: Permission denied");
      EXPECT_FALSE(v->Has("test"));
      continue;
    }
    const int i = message++;
    EXPECT_EQ(v->Int("index"), i);
    EXPECT_EQ(v->Str("message_id"), "<" + std::to_string(i) + "@test>");
    EXPECT_EQ(v->Str("subject"), "message " + std::to_string(i));
    if (i == TestArchive::kReadErrorIndex) {
      // A message the reader could not deliver whole is reported but not checked.
      EXPECT_EQ(v->Str("error"), "message truncated");
      EXPECT_FALSE(v->Has("test"));
      continue;
    }
    if (i % 13 == 0) {
      EXPECT_EQ(v->Str("error").rfind("header line without a colon", 0), 0u) << lines[k];
    } else {
      EXPECT_FALSE(v->Has("error")) << lines[k];
    }
    // Checks run on messages with header problems too: DKIM may still have something to say.
    const JsonValue* test = v->Get("test");
    ASSERT_NE(test, nullptr) << lines[k];
    EXPECT_EQ(test->Str("question"), "_test.domain" + std::to_string(i % 5) + ".example");
    EXPECT_TRUE(test->Get("prefetched")->boolean) << lines[k];
  }
  EXPECT_EQ(message, kMessages);
}

TEST(Pipeline, QuestionsArePrefetchedOncePerBatch) {
  constexpr int kMessages = 640;
  RecordingResolver resolver;
  CollectingSink sink;
  PipelineOptions options;
  options.threads = 2;
  options.batch_messages = 64;
  RunOnce(kMessages, options, &resolver, &sink);

  const auto calls = resolver.calls();
  // 640 messages and one input error make 641 records: 11 batches of at most 64.
  EXPECT_EQ(sink.batches, 11);
  EXPECT_EQ(calls.size(), 11u);
  // Each full batch holds messages from all five domains and asks for each exactly once; the last
  // batch holds only message 639 (domain 4). Batches resolve concurrently, so calls come in any
  // order.
  int full = 0, last = 0;
  for (const auto& call : calls) {
    std::set<std::string> names;
    for (const DnsQuestion& q : call) names.insert(q.name);
    EXPECT_EQ(names.size(), call.size()) << "duplicate question in one Prefetch call";
    if (call.size() == 5) ++full;
    if (call.size() == 1 && call[0].name == "_test.domain4.example") ++last;
  }
  EXPECT_EQ(full, 10);
  EXPECT_EQ(last, 1);
}

TEST(Pipeline, OutputDoesNotDependOnThreadsTokensOrBatchSize) {
  constexpr int kMessages = 500;
  std::string reference;
  {
    RecordingResolver resolver;
    CollectingSink sink;
    PipelineOptions options;
    options.threads = 1;
    reference = RunOnce(kMessages, options, &resolver, &sink);
  }
  ASSERT_EQ(testing::SplitLines(reference).size(), kMessages + 1u);
  struct Variant {
    int threads;
    size_t live;
    size_t batch;
  };
  for (Variant variant : {Variant{2, 0, 64}, Variant{4, 4, 64}, Variant{4, 64, 1}, Variant{2, 2, 7},
                          Variant{3, 1, 3}, Variant{0, 0, 64}}) {
    RecordingResolver resolver;
    CollectingSink sink;
    PipelineOptions options;
    options.threads = variant.threads;
    options.max_live_batches = variant.live;
    options.batch_messages = variant.batch;
    EXPECT_EQ(RunOnce(kMessages, options, &resolver, &sink), reference)
        << "threads " << variant.threads << " live " << variant.live << " batch " << variant.batch;
  }
}

TEST(Pipeline, ByteLimitEndsABatch) {
  RecordingResolver resolver;
  CollectingSink sink;
  PipelineOptions options;
  options.threads = 2;
  options.batch_messages = 1000;
  options.batch_bytes = 1;  // every message fills a batch
  RunOnce(20, options, &resolver, &sink);
  EXPECT_EQ(sink.batches, 20);
  EXPECT_EQ(sink.records.size(), 20u);
}

// Runs 2,000 messages in batches of 8 on 4 threads and returns the most message buffers alive at
// once.
int PeakMessagesAlive(PipelineOptions options) {
  BufferCounter counter;
  TestArchive archive(2000, &counter);
  RecordingResolver resolver;
  DomainCheck check(&resolver);
  CollectingSink sink;
  options.threads = 4;
  options.batch_messages = 8;
  Pipeline pipeline(options, &resolver);
  pipeline.AddCheck(&check);
  EXPECT_TRUE(pipeline.Run(archive.Source(), &sink).ok());
  EXPECT_EQ(sink.records.size(), 2001u);
  EXPECT_EQ(counter.live.load(), 0);
  EXPECT_GT(counter.peak.load(), 0);
  return counter.peak.load();
}

TEST(Pipeline, MemoryIsBoundedByLiveBatches) {
  PipelineOptions options;
  options.max_live_batches = 3;
  EXPECT_LE(PeakMessagesAlive(options), 3 * 8);
}

TEST(Pipeline, LiveDnsReadAheadIsBoundedByCountedBatches) {
  // 512 tokens, but only counted_dns_batches batches are read ahead while none waits long.
  PipelineOptions options;
  options.counted_dns_batches = 3;
  EXPECT_LE(PeakMessagesAlive(options), 3 * 8);
}

// Answers at once, except the first `stalled` PrefetchAsync calls, which wait until Release(): a
// server that does not answer, for the batches that asked first.
class StallingResolver : public DnsResolver {
 public:
  explicit StallingResolver(int stalled) : stalled_(stalled) {}
  DnsAnswer Lookup(std::string_view, DnsType) override { return DnsAnswer(); }
  void PrefetchAsync(std::span<const DnsQuestion>, std::function<void()> done) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stalled_ > 0) {
        --stalled_;
        held_.push_back(std::move(done));
        return;
      }
    }
    done();
  }
  void Release() {
    std::vector<std::function<void()>> held;
    {
      std::lock_guard<std::mutex> lock(mu_);
      held.swap(held_);
    }
    for (auto& done : held) done();
  }

 private:
  std::mutex mu_;
  int stalled_;
  std::vector<std::function<void()>> held_;
};

class CountingCheck : public MessageCheck {
 public:
  void CollectQuestions(const ParsedMessage& msg, std::vector<DnsQuestion>* out) const override {
    out->push_back({DomainCheck::Question(msg), DnsType::kTxt});
  }
  void Run(const ParsedMessage&, MessageRecord*) const override { ++runs; }
  mutable std::atomic<int> runs{0};
};

TEST(Pipeline, BatchesStuckOnADeadServerStopCountingSoTheRestIsVerified) {
  // The first two batches wait "forever"; only two batches are counted. Once they have been
  // parked past parked_stale_after the reader goes on, and later batches are verified while the
  // first two still wait. Without that the reader would wait for them, and nothing would run.
  StallingResolver resolver(2);
  CountingCheck check;
  TestArchive archive(400);
  CollectingSink sink;
  PipelineOptions options;
  options.threads = 2;
  options.batch_messages = 10;
  options.counted_dns_batches = 2;
  options.parked_stale_after = std::chrono::milliseconds(50);
  Pipeline pipeline(options, &resolver);
  pipeline.AddCheck(&check);
  Status status;
  std::thread run([&] { status = pipeline.Run(archive.Source(), &sink); });
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (check.runs < 100 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const int verified_while_stuck = check.runs;
  resolver.Release();
  run.join();
  EXPECT_GE(verified_while_stuck, 100);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(sink.records.size(), 401u);  // in input order all the same
  uint64_t expected = 0;
  for (const MessageRecord& r : sink.records) {
    if (r.provenance.source != "test.mbox") continue;  // the unreadable input's record
    EXPECT_EQ(r.provenance.index, expected++);
  }
  EXPECT_EQ(expected, 400u);
}

TEST(Pipeline, SinkErrorStopsTheRun) {
  TestArchive archive(10000);
  CollectingSink sink;
  sink.fail_at_batch = 3;
  PipelineOptions options;
  options.threads = 2;
  options.batch_messages = 10;
  options.max_live_batches = 1;  // one batch at a time, so the stop point is exact
  Pipeline pipeline(options, nullptr);
  Status s = pipeline.Run(archive.Source(), &sink);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "disk full");
  EXPECT_EQ(sink.batches, 3);
  EXPECT_EQ(archive.calls(), 30);
}

TEST(Pipeline, RunsWithoutResolverOrChecks) {
  TestArchive archive(100);
  CollectingSink sink;
  PipelineOptions options;
  options.threads = 2;
  Pipeline pipeline(options, nullptr);
  DomainCheck check(nullptr);
  pipeline.AddCheck(&check);
  ASSERT_TRUE(pipeline.Run(archive.Source(), &sink).ok());
  // The unreadable input comes before message 100, so this archive does not reach it.
  ASSERT_EQ(sink.records.size(), 100u);
  EXPECT_EQ(sink.records[1].members.size(), 1u);
  EXPECT_EQ(sink.records[1].counters.front().first, "test.ran");

  TestArchive empty(0);
  CollectingSink none;
  ASSERT_TRUE(Pipeline(options, nullptr).Run(empty.Source(), &none).ok());
  EXPECT_EQ(none.batches, 0);
}

// Notes the thread each message is checked on.
class ThreadCheck : public MessageCheck {
 public:
  void CollectQuestions(const ParsedMessage&, std::vector<DnsQuestion>*) const override {}
  void Run(const ParsedMessage&, MessageRecord*) const override {
    std::lock_guard<std::mutex> lock(mu_);
    threads_.insert(std::this_thread::get_id());
  }
  std::set<std::thread::id> threads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return threads_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::set<std::thread::id> threads_;
};

// A mapped mbox cut to nothing after its messages were handed on but before they were parsed and
// checked: the reads fault, see zeros (archive/mapped_window.h) and every record says its results
// are void, instead of the process dying of SIGBUS or reporting results about zeros as if fine.
TEST(Pipeline, FileTruncatedUnderMappedMessagesVoidsTheirRecords) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("mv-pipeline-cut-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path box = dir / "box.mbox";
  {
    std::ofstream out(box, std::ios::binary);
    for (int i = 0; i < 5; ++i) {
      out << "From sender@example.org Mon Jan  1 00:00:00 2024\n"
          << "From: user@domain" << i << ".example\nSubject: " << i << "\n\nbody " << i << "\n\n";
    }
  }
  ArchiveOptions archive_options;
  archive_options.map_files = true;
  ArchiveReader reader({InputSpec{box}}, archive_options);
  bool cut = false;
  MessageSource source = [&](RawMessage* out) {
    if (reader.Next(out)) return true;
    if (!cut) {
      cut = true;
      EXPECT_EQ(::truncate(box.c_str(), 0), 0);
    }
    return false;
  };
  PipelineOptions options;
  options.threads = 1;
  Pipeline pipeline(options, nullptr);
  DomainCheck check(nullptr);
  pipeline.AddCheck(&check);
  CollectingSink sink;
  ASSERT_TRUE(pipeline.Run(source, &sink).ok());
  ASSERT_EQ(sink.records.size(), 5u);
  for (const MessageRecord& r : sink.records) {
    EXPECT_NE(r.error.find("truncated while this message was checked"), std::string::npos)
        << r.error;
  }
  std::filesystem::remove_all(dir);
}

TEST(Pipeline, OneThreadMeansTheCallingThreadOnly) {
  TestArchive archive(300);
  CollectingSink sink;
  ThreadCheck check;
  PipelineOptions options;
  options.threads = 1;
  options.batch_messages = 4;
  Pipeline pipeline(options, nullptr);
  pipeline.AddCheck(&check);
  ASSERT_TRUE(pipeline.Run(archive.Source(), &sink).ok());
  EXPECT_EQ(check.threads(), std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST(Pipeline, CustomFormatterReplacesJsonLines) {
  TestArchive archive(5);
  CollectingSink sink;
  PipelineOptions options;
  options.threads = 2;
  Pipeline pipeline(options, nullptr);
  pipeline.SetFormatter([](const ParsedMessage& msg, const MessageRecord& r, std::string* out) {
    *out += std::to_string(r.provenance.index) + ":" +
            std::string(msg.headers.First("From")->value) + "\n";
  });
  ASSERT_TRUE(pipeline.Run(archive.Source(), &sink).ok());
  EXPECT_EQ(sink.text,
            "0: user0@domain0.example\n1: user1@domain1.example\n2: user2@domain2.example\n"
            "3: user3@domain3.example\n4: user4@domain4.example\n");
}

}  // namespace
}  // namespace mv
