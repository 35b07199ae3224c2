#include "dns/dns_cache.h"

#include <gtest/gtest.h>

#include <thread>

#include "dns/registrable_domain.h"
#include "test_sources.h"

namespace mv {
namespace {

using std::chrono::seconds;

struct Fixture {
  MemoryDnsSource zone;
  CountingSource counting{&zone};
  ManualDnsClock clock;
  DnsCacheOptions Options() {
    DnsCacheOptions o;
    o.clock = &clock;
    o.min_ttl = 0;
    return o;
  }
};

TEST(DnsCache, HitsUntilTheTtlExpires) {
  Fixture f;
  f.zone.AddTxt("k.example", {"v=DKIM1; p=x"}, 10);
  DnsCache cache(&f.counting, f.Options());
  EXPECT_TRUE(cache.Lookup("k.example", DnsType::kTxt).ok());
  EXPECT_TRUE(cache.Lookup("K.Example.", DnsType::kTxt).ok());
  EXPECT_EQ(f.counting.lookups(), 1);
  f.clock.Advance(seconds(9));
  EXPECT_TRUE(cache.Lookup("k.example", DnsType::kTxt).ok());
  EXPECT_EQ(f.counting.lookups(), 1);
  f.clock.Advance(seconds(1));  // exactly the TTL: expired
  EXPECT_TRUE(cache.Lookup("k.example", DnsType::kTxt).ok());
  EXPECT_EQ(f.counting.lookups(), 2);
  DnsStats s = cache.stats();
  EXPECT_EQ(s.lookups, 4u);
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.queries, 2u);
  EXPECT_EQ(s.entries, 1u);
}

// Every spelling of a name finds one entry per type (the lower-case form is looked up without
// being rebuilt, the others after normalization), and a refused name counts as a lookup only.
TEST(DnsCache, SpellingsShareAnEntryAndRefusalsAreNeitherHitNorMiss) {
  Fixture f;
  f.zone.AddTxt("k.example", {"t"}, 60);
  f.zone.AddAddress("k.example", "192.0.2.1", 60);
  DnsCache cache(&f.counting, f.Options());
  for (const char* name : {"k.example", "k.example.", "K.EXAMPLE", "K.example."}) {
    EXPECT_TRUE(cache.LookupShared(name, DnsType::kTxt)->ok()) << name;
  }
  EXPECT_TRUE(cache.LookupShared("k.Example", DnsType::kA)->ok());
  EXPECT_EQ(cache.LookupShared("k..example", DnsType::kTxt)->status, DnsStatus::kPermError);
  EXPECT_EQ(f.counting.lookups(), 2);
  DnsStats s = cache.stats();
  EXPECT_EQ(s.lookups, 6u);
  EXPECT_EQ(s.hits, 3u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.entries, 2u);
}

TEST(DnsCache, SharedLookupsHandOutTheHeldAnswer) {
  Fixture f;
  f.zone.AddTxt("k.example", {"v=DKIM1; ", "p=x"}, 10);
  DnsCache cache(&f.counting, f.Options());
  std::shared_ptr<const DnsAnswer> first = cache.LookupShared("k.example", DnsType::kTxt);
  std::shared_ptr<const DnsAnswer> again = cache.LookupShared("K.EXAMPLE.", DnsType::kTxt);
  EXPECT_EQ(first.get(), again.get());  // a hit is the same object, not a copy
  ASSERT_TRUE(first->ok());
  ASSERT_EQ(first->records.size(), 1u);
  EXPECT_EQ(first->records[0].JoinedTxt(), "v=DKIM1; p=x");
  const DnsAnswer copy = cache.Lookup("k.example", DnsType::kTxt);
  EXPECT_EQ(copy.records[0].txt, first->records[0].txt);
  EXPECT_EQ(f.counting.lookups(), 1);
  EXPECT_EQ(cache.stats().hits, 2u);
  f.clock.Advance(seconds(10));
  std::shared_ptr<const DnsAnswer> fresh = cache.LookupShared("k.example", DnsType::kTxt);
  EXPECT_NE(fresh.get(), first.get());  // expired: asked again
  EXPECT_EQ(f.counting.lookups(), 2);
  EXPECT_EQ(first->records[0].JoinedTxt(), "v=DKIM1; p=x");  // still valid for its holder
  EXPECT_EQ(cache.LookupShared("bad..name", DnsType::kTxt)->status, DnsStatus::kPermError);
}

TEST(DnsCache, ClampsTtls) {
  Fixture f;
  f.zone.AddTxt("short.example", {"s"}, 0);
  f.zone.AddTxt("long.example", {"l"}, 1000000);
  DnsCacheOptions o = f.Options();
  o.min_ttl = 5;
  o.max_ttl = 100;
  DnsCache cache(&f.counting, o);
  cache.Lookup("short.example", DnsType::kTxt);
  cache.Lookup("long.example", DnsType::kTxt);
  f.clock.Advance(seconds(4));
  cache.Lookup("short.example", DnsType::kTxt);  // min_ttl keeps it
  EXPECT_EQ(f.counting.lookups(), 2);
  f.clock.Advance(seconds(1));
  cache.Lookup("short.example", DnsType::kTxt);
  EXPECT_EQ(f.counting.lookups(), 3);
  f.clock.Advance(seconds(95));
  cache.Lookup("long.example", DnsType::kTxt);  // max_ttl cut it to 100 s
  EXPECT_EQ(f.counting.lookups(), 4);
}

TEST(DnsCache, NegativeAnswersLiveForTheSoaMinimumAndFailuresBriefly) {
  Fixture f;
  f.zone.AddTxt("exists.example", {"x"});
  f.zone.SetZoneNegativeTtl("example", 30);
  f.zone.SetFailure("broken.example", DnsStatus::kTempError);
  DnsCacheOptions o = f.Options();
  o.failure_ttl = 5;
  o.max_negative_ttl = 3600;
  DnsCache cache(&f.counting, o);
  EXPECT_EQ(cache.Lookup("nope.example", DnsType::kTxt).status, DnsStatus::kNxDomain);
  EXPECT_EQ(cache.Lookup("exists.example", DnsType::kA).status, DnsStatus::kNoData);
  EXPECT_EQ(cache.Lookup("broken.example", DnsType::kTxt).status, DnsStatus::kTempError);
  EXPECT_EQ(f.counting.lookups(), 3);
  f.clock.Advance(seconds(4));
  cache.Lookup("nope.example", DnsType::kTxt);
  cache.Lookup("exists.example", DnsType::kA);
  cache.Lookup("broken.example", DnsType::kTxt);
  EXPECT_EQ(f.counting.lookups(), 3);
  f.clock.Advance(seconds(1));
  cache.Lookup("broken.example", DnsType::kTxt);  // failure_ttl over
  cache.Lookup("nope.example", DnsType::kTxt);    // still within 30 s
  EXPECT_EQ(f.counting.lookups(), 4);
  f.clock.Advance(seconds(25));
  cache.Lookup("nope.example", DnsType::kTxt);
  cache.Lookup("exists.example", DnsType::kA);
  EXPECT_EQ(f.counting.lookups(), 6);
  EXPECT_EQ(cache.stats().failures, 2u);
}

TEST(DnsCache, ConcurrentAskersShareOneQuery) {
  Fixture f;
  f.zone.AddTxt("k.example", {"v=DKIM1; p=x"}, 60);
  DnsCache cache(&f.counting, f.Options());
  constexpr int kThreads = 16;
  f.counting.Block();
  std::vector<std::thread> threads;
  std::vector<DnsAnswer> answers(kThreads);
  threads.emplace_back([&] { answers[0] = cache.Lookup("k.example", DnsType::kTxt); });
  f.counting.WaitForWaiting(1);  // the first asker is inside the source
  for (int i = 1; i < kThreads; ++i) {
    threads.emplace_back([&, i] { answers[i] = cache.Lookup("k.example", DnsType::kTxt); });
  }
  // Every other asker must find the query in flight and wait for it.
  while (cache.stats().coalesced < kThreads - 1) std::this_thread::yield();
  f.counting.Unblock();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(f.counting.lookups(), 1);
  for (const DnsAnswer& a : answers) {
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a.records.at(0).JoinedTxt(), "v=DKIM1; p=x");
  }
  EXPECT_EQ(cache.stats().queries, 1u);
}

TEST(DnsCache, SizeIsBounded) {
  Fixture f;
  for (int i = 0; i < 500; ++i) f.zone.AddTxt(NumberedName(i), {"x"}, 3600);
  DnsCacheOptions o = f.Options();
  o.max_entries = 64;
  DnsCache cache(&f.counting, o);
  for (int i = 0; i < 500; ++i) cache.Lookup(NumberedName(i), DnsType::kTxt);
  DnsStats s = cache.stats();
  EXPECT_LE(s.entries, 64u);
  EXPECT_GT(s.entries, 0u);
  EXPECT_EQ(s.entries + s.evictions, 500u);
  // The most recent name is still there; the first one was evicted.
  cache.Lookup("n499.example", DnsType::kTxt);
  EXPECT_EQ(f.counting.lookups(), 500);
  cache.Lookup("n0.example", DnsType::kTxt);
  EXPECT_EQ(f.counting.lookups(), 501);
}

TEST(DnsCache, LeastRecentlyUsedIsEvictedFirst) {
  Fixture f;
  for (int i = 0; i < 3; ++i) f.zone.AddTxt(NumberedName(i), {"x"}, 3600);
  DnsCacheOptions o = f.Options();
  o.max_entries = 1;  // one shard of one entry: deterministic order
  DnsCache cache(&f.counting, o);
  cache.Lookup("n0.example", DnsType::kTxt);
  cache.Lookup("n0.example", DnsType::kTxt);
  EXPECT_EQ(f.counting.lookups(), 1);
  cache.Lookup("n1.example", DnsType::kTxt);
  cache.Lookup("n0.example", DnsType::kTxt);
  EXPECT_EQ(f.counting.lookups(), 3);
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST(DnsCache, RefusesNamesNoQueryCanCarry) {
  Fixture f;
  DnsCache cache(&f.counting, f.Options());
  for (std::string_view bad : {std::string_view(""), std::string_view("."), std::string_view("a..b"),
                               std::string_view("nul\0byte.example", 16)}) {
    DnsAnswer a = cache.Lookup(bad, DnsType::kTxt);
    EXPECT_EQ(a.status, DnsStatus::kPermError) << bad;
    EXPECT_EQ(a.source, "cache");
  }
  std::string long_label(64, 'a');
  EXPECT_EQ(cache.Lookup(long_label + ".example", DnsType::kTxt).status, DnsStatus::kPermError);
  EXPECT_EQ(cache.Lookup(long_label.substr(1) + ".example", DnsType::kTxt).status,
            DnsStatus::kNxDomain);
  EXPECT_EQ(f.counting.lookups(), 1);
  // RFC 2181 11: any other byte may be in a label (SPF macros expand to spaces, RFC 7208 7.3).
  for (const char* raw : {"with space.example", "back\\slash.example", "\xc3\xa9t\xc3\xa9.example",
                          "ctl\x01.example"}) {
    EXPECT_EQ(cache.Lookup(raw, DnsType::kTxt).status, DnsStatus::kNxDomain) << raw;
  }
  EXPECT_EQ(f.counting.lookups(), 5);
}

TEST(DnsCache, PrefetchDeduplicatesAndSkipsCachedKeys) {
  Fixture f;
  for (int i = 0; i < 4; ++i) f.zone.AddTxt(NumberedName(i), {"x"}, 3600);
  DnsCache cache(&f.counting, f.Options());
  cache.Lookup("n0.example", DnsType::kTxt);
  std::vector<DnsQuestion> batch = {{"n0.example", DnsType::kTxt},  {"n1.example", DnsType::kTxt},
                                    {"N1.example.", DnsType::kTxt}, {"n2.example", DnsType::kTxt},
                                    {"n2.example", DnsType::kA},    {"n3.example", DnsType::kTxt}};
  cache.Prefetch(batch);
  EXPECT_EQ(f.counting.batches(), 1);
  EXPECT_EQ(f.counting.batch_questions(), 4);  // n1, n2 TXT, n2 A, n3
  const int before = f.counting.lookups();
  for (const DnsQuestion& q : batch) cache.Lookup(q.name, q.type);
  EXPECT_EQ(f.counting.lookups(), before);  // all hits now
  std::vector<DnsAnswer> many = cache.LookupMany(batch);
  ASSERT_EQ(many.size(), batch.size());
  EXPECT_EQ(many[4].status, DnsStatus::kNoData);
  EXPECT_EQ(f.counting.batches(), 1);  // nothing left to fetch
}

// A source whose answers under one domain time out.
class TimeoutSource : public DnsResolver {
 public:
  DnsAnswer Lookup(std::string_view name, DnsType type) override {
    ++queries;
    DnsAnswer a;
    if (RegistrableDomain(name) == "dead.example") {
      a.status = DnsStatus::kTempError;
      a.timeout = true;
      a.error = "DNS timeout";
    } else {
      a.status = DnsStatus::kNxDomain;
      a.ttl = 60;
    }
    (void)type;
    return a;
  }
  int queries = 0;
};

TEST(DnsCache, TimeoutPutsTheRegistrableDomainOnHold) {
  TimeoutSource source;
  ManualDnsClock clock;
  DnsCacheOptions o;
  o.clock = &clock;
  o.hold_seconds = 30;
  o.failure_ttl = 0;
  DnsCache cache(&source, o);
  DnsAnswer first = cache.Lookup("s1._domainkey.dead.example", DnsType::kTxt);
  EXPECT_TRUE(first.timeout);
  EXPECT_EQ(source.queries, 1);
  DnsAnswer held = cache.Lookup("s2._domainkey.mail.dead.example", DnsType::kTxt);
  EXPECT_EQ(held.status, DnsStatus::kTempError);
  EXPECT_EQ(held.source, "hold");
  EXPECT_EQ(source.queries, 1);
  std::vector<DnsQuestion> batch = {{"dead.example", DnsType::kTxt},
                                    {"alive.example", DnsType::kTxt}};
  cache.Prefetch(batch);
  EXPECT_EQ(source.queries, 2);  // only alive.example
  EXPECT_EQ(cache.Lookup("alive.example", DnsType::kTxt).status, DnsStatus::kNxDomain);
  clock.Advance(seconds(30));
  cache.Lookup("dead.example", DnsType::kTxt);
  EXPECT_EQ(source.queries, 3);  // hold over: asked again
  DnsStats s = cache.stats();
  EXPECT_EQ(s.held, 1u);
  EXPECT_EQ(s.timeouts, 2u);
  EXPECT_EQ(s.holds, 2u);
}

TEST(RegistrableDomain, UsesThePublicSuffixList) {
  EXPECT_EQ(RegistrableDomain("s1._domainkey.mail.example.co.uk"), "example.co.uk");
  EXPECT_EQ(RegistrableDomain("S1._DomainKey.Example.COM."), "example.com");
  EXPECT_EQ(RegistrableDomain("co.uk"), "co.uk");  // a public suffix stands for itself
  EXPECT_EQ(RegistrableDomain("x.y.mailverify.test"), "mailverify.test");  // unknown TLD: "*" rule
}

}  // namespace
}  // namespace mv
