#include "dns/recording_resolver.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

#include "answer_matchers.h"
#include "dns/dns_cache.h"
#include "dns/zone_loader.h"
#include "test_sources.h"

namespace mv {
namespace {

// A source with every kind of answer a live run can produce.
void FillSource(MemoryDnsSource* s) {
  s->AddTxt("example.com", {"v=spf1 ", "ip4:192.0.2.0/24 -all"}, 300);
  s->AddTxt("two.example.com", {"one"}, 100);
  s->AddTxt("two.example.com", {"two"}, 90);
  s->AddTxt("odd.example.com", {"quote\" back\\slash semi; \x01\xff", ""}, 60);
  s->AddTxt("long.example.com", {std::string(600, 'k')}, 60);
  s->AddAddress("example.com", "192.0.2.1", 50);
  s->AddAddress("example.com", "2001:db8::1", 40);
  DnsRecord mx;
  mx.type = DnsType::kMx;
  mx.ttl = 70;
  mx.preference = 10;
  mx.target = "mx.example.com";
  s->Add("example.com", mx);
  DnsRecord ptr;
  ptr.type = DnsType::kPtr;
  ptr.ttl = 80;
  ptr.target = "mx.example.com";
  s->Add("1.2.0.192.in-addr.arpa", ptr);
  s->AddCname("s1._domainkey.example.com", "s1.provider.example", 30);
  s->AddCname("s1.provider.example", "key.provider.example", 3000);
  s->AddTxt("key.provider.example", {"v=DKIM1; p=KEY"}, 500);
  s->AddCname("dangling.example.com", "gone.provider.example", 20);
  s->SetZoneNegativeTtl("provider.example", 45);
  s->SetZoneNegativeTtl("example.com", 55);
  s->SetOutcome("slow.example.net", DnsType::kTxt,
                {DnsStatus::kTempError, 0, "DNS timeout", /*timeout=*/true});
  s->SetOutcome("fail.example.net", DnsType::kTxt,
                {DnsStatus::kTempError, 0, "DNS: Server failed", false});
  s->SetOutcome("bad.example.net", DnsType::kMx, {DnsStatus::kPermError, 0, "malformed answer"});
}

std::vector<DnsQuestion> Questions() {
  return {{"example.com", DnsType::kTxt},
          {"two.example.com", DnsType::kTxt},
          {"odd.example.com", DnsType::kTxt},
          {"example.com", DnsType::kA},
          {"example.com", DnsType::kAaaa},
          {"example.com", DnsType::kMx},
          {"1.2.0.192.in-addr.arpa", DnsType::kPtr},
          {"s1._domainkey.example.com", DnsType::kTxt},
          {"key.provider.example", DnsType::kTxt},  // also reached through the chain
          {"dangling.example.com", DnsType::kTxt},
          {"nothing.example.com", DnsType::kTxt},
          {"two.example.com", DnsType::kMx},
          {"slow.example.net", DnsType::kTxt},
          {"fail.example.net", DnsType::kTxt},
          {"bad.example.net", DnsType::kMx}};
}

TEST(RecordingResolver, ReplayGivesIdenticalAnswers) {
  MemoryDnsSource live("dns");
  FillSource(&live);
  RecordingResolver recorder(&live, "/nonexistent/unused");
  std::vector<DnsQuestion> questions = Questions();
  std::vector<DnsAnswer> original;
  for (size_t i = 0; i < questions.size(); ++i) {
    original.push_back(recorder.Lookup(questions[i].name, questions[i].type));
  }
  EXPECT_EQ(recorder.size(), questions.size());
  Result<std::string> text = recorder.Render();
  ASSERT_TRUE(text.ok()) << text.error();

  MemoryDnsSource replay("zone");
  Status st = LoadZoneText(*text, "recorded.zone", &replay);
  ASSERT_TRUE(st.ok()) << st.message() << "\n" << *text;
  for (size_t i = 0; i < questions.size(); ++i) {
    DnsAnswer again = replay.Lookup(questions[i].name, questions[i].type);
    EXPECT_EQ(CanonicalAnswer(again), CanonicalAnswer(original[i]))
        << questions[i].name << " " << DnsTypeName(questions[i].type) << "\n"
        << *text;
    EXPECT_EQ(again.source, "zone");
  }
  // Spot checks that the comparison above compares something.
  EXPECT_EQ(original[7].cname_chain.size(), 2u);
  EXPECT_EQ(original[7].ttl, 30u);
  EXPECT_EQ(original[9].status, DnsStatus::kNxDomain);
  EXPECT_EQ(original[9].ttl, 45u);
  EXPECT_EQ(original[11].status, DnsStatus::kNoData);
  EXPECT_TRUE(original[12].timeout);
  // Questions never asked stay unknown to the replay.
  EXPECT_EQ(replay.Lookup("example.com", DnsType::kPtr).status, DnsStatus::kNoData);
  EXPECT_EQ(replay.Lookup("unasked.example.org", DnsType::kTxt).status, DnsStatus::kNxDomain);
}

TEST(RecordingResolver, SharedLookupsAreRecordedToo) {
  MemoryDnsSource live("dns");
  FillSource(&live);
  RecordingResolver recorder(&live, "/nonexistent/unused");
  std::shared_ptr<const DnsAnswer> a = recorder.LookupShared("example.com", DnsType::kTxt);
  ASSERT_TRUE(a->ok());
  EXPECT_EQ(recorder.size(), 1u);
  Result<std::string> text = recorder.Render();
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_NE(text->find("ip4:192.0.2.0/24 -all"), std::string::npos) << *text;
}

// Behind the cache, a hit returns the same shared answer: recorded once, not compared again. A
// new answer object for the same question (after the TTL) is compared and counted if it differs.
TEST(RecordingResolver, SharedHitsAreRecordedOnceAndChangesStillCounted) {
  MemoryDnsSource live("dns");
  live.AddTxt("k.example.com", {"one"}, 10);
  ManualDnsClock clock;
  DnsCacheOptions options;
  options.clock = &clock;
  options.min_ttl = 0;
  DnsCache cache(&live, options);
  RecordingResolver recorder(&cache, "/nonexistent/unused");
  auto first = recorder.LookupShared("k.example.com", DnsType::kTxt);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(recorder.LookupShared("K.example.com.", DnsType::kTxt).get(), first.get());
  }
  EXPECT_EQ(recorder.size(), 1u);
  EXPECT_EQ(recorder.changed(), 0u);
  clock.Advance(std::chrono::seconds(10));  // expired: the cache asks again, same data
  EXPECT_NE(recorder.LookupShared("k.example.com", DnsType::kTxt).get(), first.get());
  EXPECT_EQ(recorder.changed(), 0u);
  live.AddTxt("k.example.com", {"two"}, 10);
  clock.Advance(std::chrono::seconds(10));  // expired again, and now two records
  EXPECT_EQ(recorder.LookupShared("k.example.com", DnsType::kTxt)->records.size(), 2u);
  EXPECT_EQ(recorder.changed(), 1u);
  EXPECT_EQ(recorder.size(), 1u);
}

TEST(RecordingResolver, OutputIsSortedAndDeterministic) {
  MemoryDnsSource live("dns");
  FillSource(&live);
  RecordingResolver forward(&live, "/nonexistent/unused");
  RecordingResolver backward(&live, "/nonexistent/unused");
  std::vector<DnsQuestion> questions = Questions();
  forward.LookupMany(questions);
  for (size_t i = questions.size(); i-- > 0;) {
    backward.Lookup(questions[i].name, questions[i].type);
    backward.Lookup(questions[i].name, questions[i].type);
  }
  Result<std::string> a = forward.Render();
  Result<std::string> b = backward.Render();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(a->find(";@mailverify timeout slow.example.net. TXT 0 DNS timeout\n"),
            std::string::npos);
  EXPECT_NE(a->find(";@mailverify permerror bad.example.net. MX 0 malformed answer\n"),
            std::string::npos);
  EXPECT_NE(a->find(";@mailverify nxdomain gone.provider.example. TXT 45\n"), std::string::npos);
  EXPECT_EQ(backward.changed(), 0u);
}

TEST(RecordingResolver, NamesWithMasterFileSpecialsRoundTrip) {
  // SPF macros expand local-parts into names; any printable byte but '\\' may be queried.
  const std::vector<std::string> names = {"john;doe+x=y(1)._spf.example.com",
                                          "a$b@c\"d'e!f#g%h&i*j.example", "semi;.example"};
  MemoryDnsSource live("dns");
  live.AddTxt(names[0], {"v=spf1 -all"}, 60);
  live.AddAddress(names[1], "192.0.2.3", 60);
  live.AddCname(names[2], names[0], 60);
  RecordingResolver recorder(&live, "/nonexistent/unused");
  std::vector<DnsAnswer> original;
  for (const std::string& n : names) {
    original.push_back(recorder.Lookup(n, DnsType::kTxt));
    original.push_back(recorder.Lookup(n, DnsType::kA));
  }
  EXPECT_EQ(recorder.size(), 6u);
  MemoryDnsSource replay;
  Result<std::string> text = recorder.Render();
  ASSERT_TRUE(text.ok()) << text.error();
  Status st = LoadZoneText(*text, "r.zone", &replay);
  ASSERT_TRUE(st.ok()) << st.message() << "\n" << *text;
  size_t i = 0;
  for (const std::string& n : names) {
    EXPECT_EQ(CanonicalAnswer(replay.Lookup(n, DnsType::kTxt)), CanonicalAnswer(original[i++]))
        << n << "\n"
        << *text;
    EXPECT_EQ(CanonicalAnswer(replay.Lookup(n, DnsType::kA)), CanonicalAnswer(original[i++]))
        << n << "\n"
        << *text;
  }
  EXPECT_TRUE(original[0].ok());
  EXPECT_TRUE(original[3].ok());
  EXPECT_TRUE(original[4].ok());
  // Names no query can carry are not recorded: the cache refuses them on replay as well.
  recorder.Lookup("empty..label.example", DnsType::kTxt);
  recorder.Lookup(std::string(64, 'a') + ".example", DnsType::kTxt);
  EXPECT_EQ(recorder.size(), 6u);
}

TEST(RecordingResolver, RawLabelBytesRoundTrip) {
  // RFC 2181 11 and RFC 7208 7.3: spaces, control bytes, bytes >= 0x7f and backslashes are label
  // bytes like any other. They are written escaped and read back raw, answers and outcomes alike.
  const std::string space = "macro mania.e1a.example.com";
  const std::string ctl = "c\x01t\x7fl.example";
  const std::string high = "\xc3\xa9t\xc3\xa9.example";
  const std::string slash = "back\\slash\\.example";
  const std::string gone = "gone away.example";
  MemoryDnsSource live("dns");
  live.AddTxt(space, {"v=spf1 +all"}, 60);
  live.AddAddress(ctl, "192.0.2.7", 60);
  live.AddCname(high, slash, 60);
  live.AddTxt(slash, {"x"}, 60);
  DnsRecord mx;
  mx.type = DnsType::kMx;
  mx.ttl = 60;
  mx.preference = 1;
  mx.target = ctl;
  live.Add(space, mx);
  live.SetOutcome(gone, DnsType::kTxt, {DnsStatus::kNxDomain, 30, ""});
  const std::vector<DnsQuestion> questions = {{space, DnsType::kTxt}, {space, DnsType::kMx},
                                              {ctl, DnsType::kA},     {high, DnsType::kTxt},
                                              {gone, DnsType::kTxt},  {ctl, DnsType::kTxt}};
  RecordingResolver recorder(&live, "/nonexistent/unused");
  std::vector<DnsAnswer> original;
  for (const DnsQuestion& q : questions) original.push_back(recorder.Lookup(q.name, q.type));
  EXPECT_EQ(recorder.size(), questions.size());
  Result<std::string> text = recorder.Render();
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_NE(text->find("macro\\032mania.e1a.example.com.\t"), std::string::npos) << *text;
  EXPECT_NE(text->find(";@mailverify nxdomain gone\\032away.example. TXT 30"), std::string::npos)
      << *text;
  MemoryDnsSource replay;
  Status st = LoadZoneText(*text, "r.zone", &replay);
  ASSERT_TRUE(st.ok()) << st.message() << "\n" << *text;
  for (size_t i = 0; i < questions.size(); ++i) {
    EXPECT_EQ(CanonicalAnswer(replay.Lookup(questions[i].name, questions[i].type)),
              CanonicalAnswer(original[i]))
        << questions[i].name << "\n"
        << *text;
  }
  EXPECT_TRUE(original[0].ok());
  EXPECT_EQ(original[1].records.at(0).target, ctl);
  EXPECT_TRUE(original[3].ok());
  EXPECT_EQ(original[4].status, DnsStatus::kNxDomain);
}

TEST(RecordingResolver, RandomRawNamesRoundTrip) {
  // Names of random bytes (all but '.' and NUL, which no query can carry), as owners and as MX
  // targets: what a replay answers equals what the live source answered.
  std::mt19937 rng(7208);
  std::uniform_int_distribution<int> byte(1, 255), len(1, 20), labels(1, 4);
  MemoryDnsSource live("dns");
  std::vector<std::string> names;
  for (int i = 0; i < 200; ++i) {
    std::string name;
    for (int l = labels(rng); l > 0; --l) {
      if (!name.empty()) name += '.';
      for (int n = len(rng); n > 0; --n) {
        char c = static_cast<char>(byte(rng));
        if (c == '.' || c == '*') c = '-';  // '*' alone at the left is a wildcard: see below
        name += c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;  // names are lower-cased
      }
    }
    name += ".example";
    names.push_back(name);
    live.AddTxt(name, {name}, 60);
    DnsRecord mx;
    mx.type = DnsType::kMx;
    mx.ttl = 60;
    mx.preference = 1;
    mx.target = names[i / 2];
    live.Add(name, mx);
  }
  RecordingResolver recorder(&live, "/nonexistent/unused");
  for (const std::string& n : names) {
    ASSERT_TRUE(recorder.Lookup(n, DnsType::kTxt).ok());
    ASSERT_TRUE(recorder.Lookup(n, DnsType::kMx).ok());
  }
  Result<std::string> text = recorder.Render();
  ASSERT_TRUE(text.ok()) << text.error();
  MemoryDnsSource replay;
  Status st = LoadZoneText(*text, "r.zone", &replay);
  ASSERT_TRUE(st.ok()) << st.message();
  for (const std::string& n : names) {
    for (DnsType t : {DnsType::kTxt, DnsType::kMx}) {
      EXPECT_EQ(CanonicalAnswer(replay.Lookup(n, t)), CanonicalAnswer(live.Lookup(n, t)));
    }
  }
}

TEST(RecordingResolver, LeavesOutNamesThatWouldBeWildcards) {
  // An SPF macro can expand %{l} to "*"; the answer for "*.example" cannot be written as a record
  // (it would be a wildcard owner, which the loader refuses), so it is named in a comment only and
  // the rest of the snapshot still loads.
  MemoryDnsSource live("dns");
  live.AddAddress("*.example", "192.0.2.1", 60);
  live.AddAddress("ok.example", "192.0.2.2", 60);
  live.AddCname("alias.example", "*.example", 60);
  RecordingResolver recorder(&live, "/nonexistent/unused");
  ASSERT_TRUE(recorder.Lookup("*.example", DnsType::kA).ok());
  ASSERT_TRUE(recorder.Lookup("alias.example", DnsType::kA).ok());
  ASSERT_TRUE(recorder.Lookup("ok.example", DnsType::kA).ok());
  Result<std::string> text = recorder.Render();
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_NE(text->find("; not written, a leftmost '*' label would be a wildcard: *.example. A\n"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("wildcard: alias.example. A\n"), std::string::npos) << *text;
  MemoryDnsSource replay;
  Status st = LoadZoneText(*text, "r.zone", &replay);
  ASSERT_TRUE(st.ok()) << st.message() << "\n" << *text;
  EXPECT_TRUE(replay.Lookup("ok.example", DnsType::kA).ok());
  EXPECT_EQ(replay.Lookup("*.example", DnsType::kA).status, DnsStatus::kNxDomain);
}

TEST(RecordingResolver, SplitsStringsLongerThan255Bytes) {
  MemoryDnsSource live("dns");
  FillSource(&live);
  RecordingResolver recorder(&live, "/nonexistent/unused");
  recorder.Lookup("long.example.com", DnsType::kTxt);
  MemoryDnsSource replay;
  ASSERT_TRUE(LoadZoneText(*recorder.Render(), "r.zone", &replay).ok());
  DnsAnswer a = replay.Lookup("long.example.com", DnsType::kTxt);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.records.at(0).txt.size(), 3u);
  EXPECT_EQ(a.records.at(0).JoinedTxt(), std::string(600, 'k'));
}

TEST(RecordingResolver, KeepsTheFirstAnswerAndCountsChanges) {
  MemoryDnsSource first("dns");
  first.AddTxt("k.example", {"old"}, 60);
  CountingSource source(&first);
  RecordingResolver recorder(&source, "/nonexistent/unused");
  recorder.Lookup("k.example", DnsType::kTxt);
  first.AddTxt("k.example", {"new"}, 60);
  recorder.Lookup("k.example", DnsType::kTxt);
  EXPECT_EQ(recorder.changed(), 1u);
  Result<std::string> text = recorder.Render();
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("\"old\""), std::string::npos);
  EXPECT_EQ(text->find("\"new\""), std::string::npos);
}

TEST(RecordingResolver, FlushWritesTheFileAtomically) {
  MemoryDnsSource live("dns");
  FillSource(&live);
  const std::string path =
      std::string(MV_BINARY_DIR) + "/dns-record-test-" + std::to_string(getpid()) + ".zone";
  RecordingResolver recorder(&live, path);
  recorder.Lookup("example.com", DnsType::kTxt);
  ASSERT_TRUE(recorder.Flush().ok());
  recorder.Lookup("nothing.example.com", DnsType::kTxt);
  ASSERT_TRUE(recorder.Flush().ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), *recorder.Render());
  MemoryDnsSource replay;
  ASSERT_TRUE(LoadZoneFile(path, &replay).ok());
  EXPECT_EQ(replay.Lookup("nothing.example.com", DnsType::kTxt).status, DnsStatus::kNxDomain);
  EXPECT_TRUE(replay.Lookup("example.com", DnsType::kTxt).ok());
  std::remove(path.c_str());
  RecordingResolver unwritable(&live, "/nonexistent/dir/x.zone");
  EXPECT_FALSE(unwritable.Flush().ok());
}

}  // namespace
}  // namespace mv
