// Tests of the live c-ares source against the local NSD of scripts/dns-server (started by
// scripts/test, or by the dns_server_start ctest fixture). They fail, not skip, when it is down.
#include "dns/live_source.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "answer_matchers.h"
#include "dns/dns_cache.h"
#include "dns/recording_resolver.h"
#include "dns/zone_loader.h"
#include "test_sources.h"

namespace mv {
namespace {

std::string ServerPort() {
  const char* port = std::getenv("MV_DNS_PORT");
  return port && *port ? port : "53535";
}

LiveDnsOptions TestServerOptions() {
  LiveDnsOptions o;
  o.servers = {"127.0.0.1:" + ServerPort()};
  o.timeout_ms = 1000;
  o.tries = 3;
  return o;
}

std::unique_ptr<LiveDnsSource> MakeLive(const LiveDnsOptions& o) {
  Result<std::unique_ptr<LiveDnsSource>> live = LiveDnsSource::Create(o);
  EXPECT_TRUE(live.ok()) << live.error();
  return live.ok() ? std::move(*live) : nullptr;
}

// Every question the test zones can answer, with every outcome.
std::vector<DnsQuestion> ZoneQuestions() {
  return {{"mailverify.test", DnsType::kTxt},
          {"mailverify.test", DnsType::kMx},
          {"_dmarc.mailverify.test", DnsType::kTxt},
          {"multi.mailverify.test", DnsType::kTxt},
          {"two.mailverify.test", DnsType::kTxt},
          {"escaped.mailverify.test", DnsType::kTxt},
          {"s2048._domainkey.mailverify.test", DnsType::kTxt},
          {"s4096._domainkey.mailverify.test", DnsType::kTxt},
          {"big.mailverify.test", DnsType::kTxt},
          {"short-ttl.mailverify.test", DnsType::kTxt},
          {"alias.mailverify.test", DnsType::kTxt},
          {"s1._domainkey.mailverify.test", DnsType::kTxt},
          {"dangling.mailverify.test", DnsType::kTxt},
          {"nodata.mailverify.test", DnsType::kTxt},
          {"nodata.mailverify.test", DnsType::kA},
          {"nope.mailverify.test", DnsType::kTxt},
          {"nope.other.test", DnsType::kA},
          {"_domainkey.mailverify.test", DnsType::kTxt},
          {"other.test", DnsType::kMx},
          {"mx1.mailverify.test", DnsType::kA},
          {"mx1.mailverify.test", DnsType::kAaaa},
          {"MX1.MailVerify.Test.", DnsType::kAaaa},
          {"25.2.0.192.in-addr.arpa", DnsType::kPtr},
          {"26.2.0.192.in-addr.arpa", DnsType::kPtr}};
}

MemoryDnsSource LoadZones() {
  MemoryDnsSource zone;
  for (const char* f : {"mailverify.test.zone", "other.test.zone", "2.0.192.in-addr.arpa.zone"}) {
    Status st = LoadZoneFile(ZonePath(f), &zone);
    EXPECT_TRUE(st.ok()) << st.message();
  }
  return zone;
}

class LiveDns : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = MakeLive(TestServerOptions());
    ASSERT_NE(live_, nullptr);
    DnsAnswer probe = live_->Lookup("mailverify.test", DnsType::kTxt);
    ASSERT_TRUE(probe.ok()) << "the test DNS server does not answer on 127.0.0.1:" << ServerPort()
                            << " (" << probe.error
                            << "); start it with `scripts/dns-server start` or run ctest so that "
                               "the dns_server_start fixture does";
  }
  std::unique_ptr<LiveDnsSource> live_;
};

TEST_F(LiveDns, AnswersMatchTheZoneFilesItServes) {
  MemoryDnsSource zone = LoadZones();
  for (const DnsQuestion& q : ZoneQuestions()) {
    DnsAnswer a = live_->Lookup(q.name, q.type);
    EXPECT_EQ(a.source, "dns");
    EXPECT_EQ(CanonicalAnswer(a), CanonicalAnswer(zone.Lookup(q.name, q.type)))
        << q.name << " " << DnsTypeName(q.type);
  }
}

TEST_F(LiveDns, OutcomesAndTtls) {
  DnsAnswer multi = live_->Lookup("multi.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(multi.ok());
  EXPECT_EQ(multi.records.at(0).txt, (std::vector<std::string>{"first ", "second ", "third"}));
  EXPECT_EQ(multi.ttl, 300u);
  DnsAnswer nx = live_->Lookup("nope.mailverify.test", DnsType::kTxt);
  EXPECT_EQ(nx.status, DnsStatus::kNxDomain);
  EXPECT_EQ(nx.ttl, 60u);  // SOA: min(3600, 60)
  DnsAnswer nodata = live_->Lookup("nodata.mailverify.test", DnsType::kTxt);
  EXPECT_EQ(nodata.status, DnsStatus::kNoData);
  EXPECT_EQ(nodata.ttl, 60u);
  DnsAnswer chain = live_->Lookup("alias.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(chain.records.at(0).JoinedTxt(), "cname target");
  EXPECT_EQ(chain.cname_chain,
            (std::vector<std::string>{"alias.mailverify.test", "alias2.mailverify.test"}));
  EXPECT_EQ(chain.ttl, 120u);
  DnsAnswer cross = live_->Lookup("s1._domainkey.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(cross.ok());
  EXPECT_EQ(cross.canonical_name, "s1._domainkey.other.test");
  DnsAnswer dangling = live_->Lookup("dangling.mailverify.test", DnsType::kTxt);
  EXPECT_EQ(dangling.status, DnsStatus::kNxDomain);
  EXPECT_EQ(dangling.ttl, 30u);  // other.test's SOA
  // RFC 2181 11: a label may hold a space (SPF macros expand to one); it is asked, escaped for
  // c-ares, and the server says it does not exist. An empty label or a NUL cannot be asked.
  EXPECT_EQ(live_->Lookup("bad name.mailverify.test", DnsType::kTxt).status, DnsStatus::kNxDomain);
  EXPECT_EQ(live_->Lookup(std::string("nul\0name.mailverify.test", 24), DnsType::kTxt).status,
            DnsStatus::kPermError);
  EXPECT_EQ(live_->Lookup("a..b", DnsType::kTxt).status, DnsStatus::kPermError);
}

TEST_F(LiveDns, LargeAnswersOverEdnsAndTcp) {
  MemoryDnsSource zone = LoadZones();
  const std::string key =
      zone.Lookup("s4096._domainkey.mailverify.test", DnsType::kTxt).records.at(0).JoinedTxt();
  const std::string big =
      zone.Lookup("big.mailverify.test", DnsType::kTxt).records.at(0).JoinedTxt();
  ASSERT_GT(big.size(), 1232u);
  // EDNS (1232): the key fits in UDP; the 2 KB TXT comes back truncated and is re-asked over TCP.
  EXPECT_EQ(
      live_->Lookup("s4096._domainkey.mailverify.test", DnsType::kTxt).records.at(0).JoinedTxt(),
      key);
  EXPECT_EQ(live_->Lookup("big.mailverify.test", DnsType::kTxt).records.at(0).JoinedTxt(), big);
  // Without EDNS (512-byte UDP) the key needs TCP too.
  LiveDnsOptions plain = TestServerOptions();
  plain.edns = false;
  std::unique_ptr<LiveDnsSource> no_edns = MakeLive(plain);
  ASSERT_NE(no_edns, nullptr);
  DnsAnswer k = no_edns->Lookup("s4096._domainkey.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(k.ok()) << k.error;
  EXPECT_EQ(k.records.at(0).JoinedTxt(), key);
  DnsAnswer b = no_edns->Lookup("big.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(b.ok()) << b.error;
  EXPECT_EQ(b.records.at(0).JoinedTxt(), big);
  // The same questions with TCP fallback disabled do not get the records: TCP is what did it.
  LiveDnsOptions udp_only = TestServerOptions();
  udp_only.ignore_truncation = true;
  std::unique_ptr<LiveDnsSource> truncated = MakeLive(udp_only);
  ASSERT_NE(truncated, nullptr);
  EXPECT_FALSE(truncated->Lookup("big.mailverify.test", DnsType::kTxt).ok());
  EXPECT_TRUE(truncated->Lookup("s4096._domainkey.mailverify.test", DnsType::kTxt).ok());
  udp_only.edns = false;
  std::unique_ptr<LiveDnsSource> small = MakeLive(udp_only);
  ASSERT_NE(small, nullptr);
  EXPECT_FALSE(small->Lookup("s4096._domainkey.mailverify.test", DnsType::kTxt).ok());
}

TEST_F(LiveDns, BatchesGiveTheSameAnswersAtAnyWindow) {
  std::vector<DnsQuestion> questions;
  for (int round = 0; round < 20; ++round) {
    for (const DnsQuestion& q : ZoneQuestions()) questions.push_back(q);
  }
  std::vector<DnsAnswer> one_by_one;
  for (const DnsQuestion& q : ZoneQuestions()) one_by_one.push_back(live_->Lookup(q.name, q.type));
  for (size_t window : {1u, 16u, 256u}) {
    LiveDnsOptions o = TestServerOptions();
    o.max_in_flight = window;
    std::unique_ptr<LiveDnsSource> live = MakeLive(o);
    ASSERT_NE(live, nullptr);
    std::vector<DnsAnswer> answers = live->LookupMany(questions);
    ASSERT_EQ(answers.size(), questions.size());
    for (size_t i = 0; i < answers.size(); ++i) {
      EXPECT_EQ(CanonicalAnswer(answers[i]), CanonicalAnswer(one_by_one[i % one_by_one.size()]))
          << "window " << window << ": " << questions[i].name;
    }
  }
}

TEST_F(LiveDns, ManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        DnsAnswer a = live_->Lookup("two.mailverify.test", DnsType::kTxt);
        DnsAnswer n = live_->Lookup("nope.mailverify.test", DnsType::kTxt);
        if (!a.ok() || a.records.size() != 2 || n.status != DnsStatus::kNxDomain) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(LiveDns, CacheRequeriesAfterTheTtlAndSharesQueries) {
  ManualDnsClock clock;
  DnsCacheOptions o;
  o.clock = &clock;
  o.min_ttl = 0;
  DnsCache cache(live_.get(), o);
  const uint64_t before = live_->stats().queries;
  EXPECT_TRUE(cache.Lookup("short-ttl.mailverify.test", DnsType::kTxt).ok());
  EXPECT_TRUE(cache.Lookup("short-ttl.mailverify.test", DnsType::kTxt).ok());
  EXPECT_EQ(live_->stats().queries, before + 1);
  clock.Advance(std::chrono::seconds(1));  // the record's TTL is 1 s
  EXPECT_TRUE(cache.Lookup("short-ttl.mailverify.test", DnsType::kTxt).ok());
  EXPECT_EQ(live_->stats().queries, before + 2);
  DnsStats s = cache.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.queries, 2u);

  // Sixteen threads asking one uncached key cause one query: the others wait for it or hit.
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] { cache.Lookup("s4096._domainkey.mailverify.test", DnsType::kTxt); });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(live_->stats().queries, before + 3);
  DnsStats after = cache.stats();
  EXPECT_EQ(after.coalesced + after.hits - s.hits, 15u);
}

TEST_F(LiveDns, RecordedRunReplaysOfflineIdentically) {
  DnsCache cache(live_.get());
  RecordingResolver recorder(&cache, "/nonexistent/unused");
  std::vector<DnsQuestion> questions = ZoneQuestions();
  cache.Prefetch(questions);
  std::vector<DnsAnswer> original;
  for (const DnsQuestion& q : questions) original.push_back(recorder.Lookup(q.name, q.type));
  Result<std::string> text = recorder.Render();
  ASSERT_TRUE(text.ok()) << text.error();
  MemoryDnsSource replay;
  Status st = LoadZoneText(*text, "recorded.zone", &replay);
  ASSERT_TRUE(st.ok()) << st.message();
  for (size_t i = 0; i < questions.size(); ++i) {
    EXPECT_EQ(CanonicalAnswer(replay.Lookup(questions[i].name, questions[i].type)),
              CanonicalAnswer(original[i]))
        << questions[i].name << "\n"
        << *text;
  }
}

// A UDP socket that never answers: every query to it times out.
class Blackhole {
 public:
  Blackhole() {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~Blackhole() { close(fd_); }
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

TEST(LiveDnsFailures, TimeoutIsTempErrorAndPutsTheDomainOnHold) {
  Blackhole hole;
  LiveDnsOptions o;
  o.servers = {hole.server()};
  o.timeout_ms = 100;
  o.tries = 2;
  std::unique_ptr<LiveDnsSource> live = MakeLive(o);
  ASSERT_NE(live, nullptr);
  DnsCache cache(live.get());
  const auto start = std::chrono::steady_clock::now();
  DnsAnswer a = cache.Lookup("s1._domainkey.dead.example", DnsType::kTxt);
  // Printed, not asserted (shared machine): c-ares waits 100 ms, then 200 ms.
  std::printf("timed out after %lld ms (configured: 100 ms + 200 ms)\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - start)
                                         .count()));
  EXPECT_EQ(a.status, DnsStatus::kTempError);
  EXPECT_TRUE(a.timeout);
  EXPECT_EQ(live->stats().timeouts, 1u);
  DnsAnswer held = cache.Lookup("other.mail.dead.example", DnsType::kTxt);
  EXPECT_EQ(held.status, DnsStatus::kTempError);
  EXPECT_EQ(held.source, "hold");
  EXPECT_EQ(live->stats().queries, 1u);
  // A batch to a dead server: every question ends in temperror (concurrently, one timeout).
  std::vector<DnsQuestion> batch;
  for (int i = 0; i < 50; ++i) batch.push_back({NumberedName(i), DnsType::kTxt});
  for (const DnsAnswer& b : live->LookupMany(batch)) {
    EXPECT_EQ(b.status, DnsStatus::kTempError);
    EXPECT_TRUE(b.timeout);
  }
}

TEST(LiveDnsFailures, BadServerListIsAnError) {
  LiveDnsOptions o;
  o.servers = {"not a server"};
  Result<std::unique_ptr<LiveDnsSource>> live = LiveDnsSource::Create(o);
  ASSERT_FALSE(live.ok());
  EXPECT_NE(live.error().find("bad DNS server list 'not a server'"), std::string::npos);
  o.servers = {"127.0.0.1:53"};
  o.max_in_flight = 0;
  EXPECT_FALSE(LiveDnsSource::Create(o).ok());
}

std::string ScriptPath() {
  return std::string(MV_TEST_DATA) + "/../scripts/dns-server";
}

TEST(LiveDnsFailures, ServerStoppedMidRun) {
  const int port = 54000 + static_cast<int>(getpid() % 1000);
  const std::string env = "MV_DNS_PORT=" + std::to_string(port) +
                          " MV_DNS_DIR=" + std::string(MV_BINARY_DIR) + "/nsd-stop-test-" +
                          std::to_string(port) + " ";
  ASSERT_EQ(std::system((env + ScriptPath() + " start >/dev/null").c_str()), 0)
      << "could not start a second NSD on port " << port;
  LiveDnsOptions o;
  o.servers = {"127.0.0.1:" + std::to_string(port)};
  // Generous: the answers before the stop must not time out on a loaded machine; after it, the
  // closed port is refused at once.
  o.timeout_ms = 1000;
  o.tries = 3;
  std::unique_ptr<LiveDnsSource> live = MakeLive(o);
  ASSERT_NE(live, nullptr);
  DnsCache cache(live.get());
  EXPECT_TRUE(cache.Lookup("multi.mailverify.test", DnsType::kTxt).ok());
  ASSERT_EQ(std::system((env + ScriptPath() + " stop").c_str()), 0);
  // Answered before the stop: still served from the cache. New questions: temperror.
  EXPECT_TRUE(cache.Lookup("multi.mailverify.test", DnsType::kTxt).ok());
  DnsAnswer after = cache.Lookup("two.mailverify.test", DnsType::kTxt);
  EXPECT_EQ(after.status, DnsStatus::kTempError) << after.error;
  std::vector<DnsQuestion> batch = {{"nope.mailverify.test", DnsType::kTxt},
                                    {"mx1.mailverify.test", DnsType::kA}};
  for (const DnsAnswer& b : cache.LookupMany(batch)) EXPECT_EQ(b.status, DnsStatus::kTempError);
  EXPECT_GE(cache.stats().failures, 1u);
}

}  // namespace
}  // namespace mv
