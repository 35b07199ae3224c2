#include "dns/zone_loader.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "answer_matchers.h"
#include "test_sources.h"

namespace mv {
namespace {

MemoryDnsSource LoadTestZones() {
  MemoryDnsSource zone;
  for (const char* f : {"mailverify.test.zone", "other.test.zone", "2.0.192.in-addr.arpa.zone"}) {
    Status st = LoadZoneFile(ZonePath(f), &zone);
    EXPECT_TRUE(st.ok()) << st.message();
  }
  return zone;
}

TEST(ZoneLoader, LoadsTheTestZones) {
  MemoryDnsSource zone = LoadTestZones();
  DnsAnswer multi = zone.Lookup("multi.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(multi.ok());
  EXPECT_EQ(multi.records.at(0).txt, (std::vector<std::string>{"first ", "second ", "third"}));
  EXPECT_EQ(multi.ttl, 300u);  // $TTL
  EXPECT_EQ(multi.source, "zone");

  DnsAnswer two = zone.Lookup("two.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two.records.size(), 2u);

  DnsAnswer escaped = zone.Lookup("escaped.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(escaped.records.at(0).JoinedTxt(), "quote\" backslash\\ semi; byte\xc8");

  DnsAnswer mx = zone.Lookup("mailverify.test", DnsType::kMx);
  ASSERT_TRUE(mx.ok());
  ASSERT_EQ(mx.records.size(), 2u);
  EXPECT_EQ(mx.records[0].preference + mx.records[1].preference, 30);

  DnsAnswer aaaa = zone.Lookup("mx1.mailverify.test", DnsType::kAaaa);
  ASSERT_TRUE(aaaa.ok());
  EXPECT_EQ(aaaa.records.at(0).target, "2001:db8::25");

  DnsAnswer ptr = zone.Lookup("25.2.0.192.in-addr.arpa", DnsType::kPtr);
  ASSERT_TRUE(ptr.ok());
  EXPECT_EQ(ptr.records.at(0).target, "mx1.mailverify.test");

  DnsAnswer ttl = zone.Lookup("short-ttl.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(ttl.ok());
  EXPECT_EQ(ttl.ttl, 1u);

  DnsAnswer key = zone.Lookup("s4096._domainkey.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(key.ok());
  EXPECT_GT(key.records.at(0).JoinedTxt().size(), 700u);
  EXPECT_EQ(key.records.at(0).JoinedTxt().rfind("v=DKIM1; k=rsa; p=", 0), 0u);
}

TEST(ZoneLoader, NegativeAnswersFollowTheSoa) {
  MemoryDnsSource zone = LoadTestZones();
  DnsAnswer nx = zone.Lookup("nope.mailverify.test", DnsType::kTxt);
  EXPECT_EQ(nx.status, DnsStatus::kNxDomain);
  EXPECT_EQ(nx.ttl, 60u);  // min(SOA TTL 3600, MINIMUM 60)
  DnsAnswer other = zone.Lookup("nope.other.test", DnsType::kTxt);
  EXPECT_EQ(other.status, DnsStatus::kNxDomain);
  EXPECT_EQ(other.ttl, 30u);
  EXPECT_EQ(zone.Lookup("nodata.mailverify.test", DnsType::kTxt).status, DnsStatus::kNoData);
  // Owns only NS and SOA; and an empty non-terminal.
  EXPECT_EQ(zone.Lookup("other.test", DnsType::kMx).status, DnsStatus::kNoData);
  EXPECT_EQ(zone.Lookup("_domainkey.mailverify.test", DnsType::kTxt).status, DnsStatus::kNoData);
}

TEST(ZoneLoader, FollowsCnameChains) {
  MemoryDnsSource zone = LoadTestZones();
  DnsAnswer a = zone.Lookup("alias.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.records.at(0).JoinedTxt(), "cname target");
  EXPECT_EQ(a.cname_chain,
            (std::vector<std::string>{"alias.mailverify.test", "alias2.mailverify.test"}));
  EXPECT_EQ(a.canonical_name, "target.mailverify.test");
  EXPECT_EQ(a.ttl, 120u);
  DnsAnswer d = zone.Lookup("dangling.mailverify.test", DnsType::kTxt);
  EXPECT_EQ(d.status, DnsStatus::kNxDomain);
  EXPECT_EQ(d.cname_chain, std::vector<std::string>{"dangling.mailverify.test"});
}

TEST(ZoneLoader, ManyDomainsOneFileWithOriginAndTtl) {
  MemoryDnsSource zone;
  Status st = LoadZoneText(
      "; keys of two unrelated domains\n"
      "s1._domainkey.a.example. 100 IN TXT \"v=DKIM1; p=AAA\"\n"
      "s1._domainkey.a.example. 100 IN TXT \"v=DKIM1; p=BBB\"\n"
      "$TTL 42\n"
      "$ORIGIN b.example.\n"
      "sel._domainkey IN TXT ( \"v=DKIM1; \"\n"
      "                        \"p=CCC\" )\n"
      "@ IN A 192.0.2.7\n",
      "keys.txt", &zone);
  ASSERT_TRUE(st.ok()) << st.message();
  DnsAnswer a = zone.Lookup("S1._domainkey.A.example.", DnsType::kTxt);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.records.size(), 2u);
  DnsAnswer b = zone.Lookup("sel._domainkey.b.example", DnsType::kTxt);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.records.at(0).JoinedTxt(), "v=DKIM1; p=CCC");
  EXPECT_EQ(b.ttl, 42u);
  EXPECT_TRUE(zone.Lookup("b.example", DnsType::kA).ok());
  EXPECT_EQ(zone.Lookup("c.example", DnsType::kA).status, DnsStatus::kNxDomain);
}

// A --keys file says above each key where it came from; the comment travels with the record.
TEST(ZoneLoader, CommentLinesAboveARecordBelongToIt) {
  MemoryDnsSource zone("keys");
  const Status st = LoadZoneText(
      "; historical keys\n"
      "$TTL 3600\n"
      "; s1: published 2019-2021\n"
      ";   seen in 12 messages\n"
      "s1._domainkey.example.com. IN TXT \"v=DKIM1; p=AAAA\"\n"
      "s2._domainkey.example.com. IN TXT \"v=DKIM1; p=BBBB\" ; trailing, not above\n"
      "; about nothing: a blank line follows\n"
      "\n"
      ";@mailverify nxdomain gone.example.com. TXT 300\n"
      "  ; s3\r\n"
      "s3._domainkey.example.com. IN TXT ( \"v=DKIM1; \"\n"
      "    \"p=CCCC\" )\n",
      "keys.zone", &zone);
  ASSERT_TRUE(st.ok()) << st.message();
  const auto comment = [&zone](const char* name) {
    DnsAnswer a = zone.Lookup(name, DnsType::kTxt);
    EXPECT_TRUE(a.ok()) << name;
    return a.ok() ? a.records.at(0).comment : std::string("?");
  };
  EXPECT_EQ(comment("s1._domainkey.example.com"), "s1: published 2019-2021\n  seen in 12 messages");
  EXPECT_EQ(comment("s2._domainkey.example.com"), "");
  EXPECT_EQ(comment("s3._domainkey.example.com"), "s3");
  EXPECT_EQ(zone.Lookup("gone.example.com", DnsType::kTxt).status, DnsStatus::kNxDomain);
}

// A large file is read in two pieces on two threads (zone_loader.cc): with every construct that
// carries state across lines ($ORIGIN and $TTL changes, relative and inherited owners, records in
// parentheses over several lines, quotes holding ';' and '(', comment blocks above records, SOAs
// that make empty non-terminals), the split and the single pass must give the same answers and
// the same key comments.
// Appends the pieces one by one (GCC 12's -Wrestrict misfires on long chains of string +).
void Put(std::string* z, std::initializer_list<std::string_view> pieces) {
  for (std::string_view p : pieces) z->append(p);
}

std::string BigZone(std::set<std::string>* names) {
  std::mt19937 rng(11);
  std::string z = "; a generated zone\n$TTL 300\n\n";
  for (int d = 0; d < 300; ++d) {
    const std::string n = std::to_string(d);
    const std::string dom = "d" + n + ".example";
    const std::string octet = std::to_string(d % 250);
    names->insert(dom);
    Put(&z, {"; zone ", dom, "\n"});
    if (d % 7 == 0) Put(&z, {"$ORIGIN ", dom, ".\n"});
    if (d % 11 == 0) Put(&z, {"$TTL ", std::to_string(60 + d), "\n"});
    Put(&z, {dom, ". IN SOA ns.", dom, ". host.", dom, ". ( 1 7200 3600\n    1209600 ",
             std::to_string(100 + d), " )\n"});
    Put(&z, {dom, ". 60 IN TXT \"v=spf1 ip4:192.0.2.", octet, " -all\"\n"});
    Put(&z, {"    IN MX 10 mx.", dom, ".\n"});  // inherits the owner
    names->insert("mx." + dom);
    Put(&z, {"mx.", dom, ". IN A 192.0.2.", octet, "\n"});
    if (d % 7 == 0) {
      Put(&z, {"rel IN TXT \"relative; (not a comment\" \"x\"\n"});
      names->insert("rel." + dom);
    }
    if (rng() % 2) Put(&z, {"; key history: rotated ", n, "\n; second line\n"});
    const std::string key = "s" + n + "._domainkey." + dom;
    names->insert(key);
    names->insert("_domainkey." + dom);  // an empty non-terminal under the SOA
    Put(&z, {key, ". IN TXT ( \"v=DKIM1; k=rsa; \"\n      \"p=", std::string(200, 'A'),
             "\" ) ; trailing\n"});
    if (d % 5 == 0) {
      Put(&z, {"alias.", dom, ". IN CNAME ", key, ".\n"});
      names->insert("alias." + dom);
    }
    z += "\n";
  }
  return z;
}

TEST(ZoneLoader, SplitLoadingEqualsOnePass) {
  std::set<std::string> names;
  const std::string text = BigZone(&names);
  ASSERT_GT(text.size(), 128u * 1024);
  MemoryDnsSource one, two;
  Status a = LoadZoneText(text, "big.zone", &one, SIZE_MAX);
  Status b = LoadZoneText(text, "big.zone", &two, 1024);
  ASSERT_TRUE(a.ok()) << a.message();
  ASSERT_TRUE(b.ok()) << b.message();
  int answers = 0, comments = 0;
  for (const std::string& name : names) {
    for (DnsType type : {DnsType::kA, DnsType::kTxt, DnsType::kMx, DnsType::kCname}) {
      const DnsAnswer x = one.Lookup(name, type), y = two.Lookup(name, type);
      ASSERT_EQ(CanonicalAnswer(x), CanonicalAnswer(y)) << name << " " << DnsTypeName(type);
      ASSERT_EQ(x.ttl, y.ttl) << name;
      for (size_t i = 0; i < x.records.size() && i < y.records.size(); ++i) {
        ASSERT_EQ(x.records[i].comment, y.records[i].comment) << name;
        comments += !x.records[i].comment.empty();
      }
      answers += x.ok();
    }
  }
  EXPECT_GT(answers, 1000);
  EXPECT_GT(comments, 50);
  // An error in the second half is reported with its line in the whole file.
  std::string broken = text;
  broken += "bad.example. 60 IN A 1.2.3\n";
  const int last_line = static_cast<int>(std::count(broken.begin(), broken.end(), '\n'));
  MemoryDnsSource three;
  Status c = LoadZoneText(broken, "big.zone", &three, 1024);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message().rfind("big.zone:" + std::to_string(last_line) + ": ", 0), 0u)
      << c.message();
}

TEST(ZoneLoader, ErrorsNameFileAndLine) {
  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {"a.example. 60 IN TXT \"ok\"\n\nb.example. 60 IN A 1.2.3\n", "f.zone:3: "},
      {"a.example. 60 IN TXT \"ok\"\nb.example. 60 IN A 1.2.3", "f.zone:2: "},
      {"; comment\nrelative 60 IN TXT \"x\"\n", "f.zone:2: relative name before any $ORIGIN"},
      {"a.example. 60 IN CNAME target\n", "f.zone:1: relative name before any $ORIGIN"},
      {"*.a.example. 60 IN TXT \"x\"\n", "f.zone:1: wildcard owner names are not supported"},
      {"$INCLUDE other.zone\n", "f.zone:1: $INCLUDE is not supported"},
      {"a.example. 60 CH TXT \"x\"\n", "f.zone:1: only class IN is supported"},
      {"x.example. 60 IN TXT \"a\"\n;@mailverify nxdomain\n", "f.zone:2: expected"},
      {";@mailverify maybe a.example. TXT 60\n", "f.zone:1: unknown outcome 'maybe'"},
      {"\n;@mailverify nodata a.example. SPF 60\n", "f.zone:2: unknown type 'SPF'"},
      {";@mailverify nodata a.example. TXT -1\n", "f.zone:1: bad TTL '-1'"},
  };
  for (const Case& c : cases) {
    MemoryDnsSource zone;
    Status st = LoadZoneText(c.text, "f.zone", &zone);
    ASSERT_FALSE(st.ok()) << c.text;
    EXPECT_EQ(st.message().rfind(c.expected, 0), 0u) << st.message() << " for: " << c.text;
  }
  MemoryDnsSource zone;
  Status missing = LoadZoneFile("/nonexistent/x.zone", &zone);
  EXPECT_EQ(missing.message(), "/nonexistent/x.zone: cannot open");
}

TEST(ZoneLoader, OutcomeLinesWinOverRecords) {
  MemoryDnsSource zone;
  Status st = LoadZoneText(
      "a.example. 60 IN A 192.0.2.1\n"
      ";@mailverify nxdomain a.example. TXT 77\n"
      "  ;@mailverify nodata b.example TXT 88\n"
      ";@mailverify timeout c.example. TXT 0 DNS timeout\n"
      ";@mailverify permerror d.example. MX 0 malformed answer\r\n"
      "; @mailverify is only a marker at the start of a comment\n",
      "m.zone", &zone);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(zone.Lookup("a.example", DnsType::kA).ok());
  DnsAnswer nx = zone.Lookup("a.example", DnsType::kTxt);
  EXPECT_EQ(nx.status, DnsStatus::kNxDomain);
  EXPECT_EQ(nx.ttl, 77u);
  DnsAnswer nd = zone.Lookup("b.example", DnsType::kTxt);
  EXPECT_EQ(nd.status, DnsStatus::kNoData);
  EXPECT_EQ(nd.ttl, 88u);
  DnsAnswer to = zone.Lookup("c.example", DnsType::kTxt);
  EXPECT_EQ(to.status, DnsStatus::kTempError);
  EXPECT_TRUE(to.timeout);
  EXPECT_EQ(to.error, "DNS timeout");
  DnsAnswer pe = zone.Lookup("d.example", DnsType::kMx);
  EXPECT_EQ(pe.status, DnsStatus::kPermError);
  EXPECT_EQ(pe.error, "malformed answer");
  EXPECT_EQ(zone.Lookup("d.example", DnsType::kTxt).status, DnsStatus::kNxDomain);
}

TEST(ZoneLoader, EscapedNamesAnswerTheirRawBytes) {
  // RFC 2181 11: \032 is a space in the label, \092 a backslash, \195\169 the UTF-8 bytes of e
  // with an acute accent; lookups use the raw bytes, as an SPF macro expansion produces them.
  MemoryDnsSource bad;
  Status st = LoadZoneText(
      "macro%percent\\032\\032space%20url-space.example.com. 60 IN A 1.2.3.4\n"
      "back\\092slash.example. 60 IN TXT \"x\"\n"
      "mx.example. 60 IN MX 10 \\195\\169t\\195\\169.example.\n"
      ";@mailverify nxdomain gone\\032away.example. TXT 30\n"
      ";@mailverify nodata bad\\2escape.example. TXT 30\n",
      "raw.zone", &bad);
  EXPECT_EQ(st.message(), "raw.zone:5: bad escape in name 'bad\\2escape.example.'");
  MemoryDnsSource zone;
  st = LoadZoneText(
      "macro%percent\\032\\032space%20url-space.example.com. 60 IN A 1.2.3.4\n"
      "back\\092slash.example. 60 IN TXT \"x\"\n"
      "mx.example. 60 IN MX 10 \\195\\169t\\195\\169.example.\n"
      ";@mailverify nxdomain gone\\032away.example. TXT 30\n",
      "raw.zone", &zone);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(zone.Lookup("macro%percent  space%20url-space.example.com", DnsType::kA).ok());
  EXPECT_TRUE(zone.Lookup("back\\slash.example", DnsType::kTxt).ok());
  DnsAnswer mx = zone.Lookup("mx.example", DnsType::kMx);
  ASSERT_TRUE(mx.ok());
  EXPECT_EQ(mx.records.at(0).target, "\xc3\xa9t\xc3\xa9.example");
  DnsAnswer gone = zone.Lookup("gone away.example", DnsType::kTxt);
  EXPECT_EQ(gone.status, DnsStatus::kNxDomain);
  EXPECT_EQ(gone.ttl, 30u);
}

}  // namespace
}  // namespace mv
