// The verification options of `scan`: --at in every accepted form, and the values that reach the
// DNS and check option structs.
#include <gtest/gtest.h>

#include <array>

#include "cli/options.h"

namespace mv {
namespace {

TEST(ParseTimeValue, UnixSecondsAndIso8601) {
  EXPECT_EQ(*ParseTimeValue("0"), 0);
  EXPECT_EQ(*ParseTimeValue("1667843664"), 1667843664);
  EXPECT_EQ(*ParseTimeValue("2025-01-01"), 1735689600);
  EXPECT_EQ(*ParseTimeValue("2025-01-01T00:00:00Z"), 1735689600);
  EXPECT_EQ(*ParseTimeValue("2025-01-01T00:00Z"), 1735689600);
  EXPECT_EQ(*ParseTimeValue("2022-11-07T17:54:24Z"), 1667843664);
  EXPECT_EQ(*ParseTimeValue("2022-11-07T18:54:24+01:00"), 1667843664);
  EXPECT_EQ(*ParseTimeValue("2022-11-07T12:54:24-05:00"), 1667843664);
  EXPECT_EQ(*ParseTimeValue("2024-02-29T12:00:00"), 1709208000);  // leap day, UTC by default
  EXPECT_EQ(*ParseTimeValue("1969-12-31T23:59:59Z"), -1);
}

TEST(ParseTimeValue, RejectsWhatIsNotATime) {
  for (const char* bad :
       {"", "yesterday", "2025-13-01", "2025-01-32", "2025-01-01T24:00Z", "2025-01-01T10:61Z",
        "2025-01-01T10:00+0100", "2025-01-01X", "12a", "2025-1-1"}) {
    EXPECT_FALSE(ParseTimeValue(bad).ok()) << bad;
  }
}

Result<Options> Parse(std::vector<std::string_view> args) {
  return ParseOptions(args);
}

TEST(ParseOptions, VerificationOptionsReachTheirStructs) {
  Result<Options> o = Parse({"scan",
                             "--at",
                             "received",
                             "--strict",
                             "--max-signatures",
                             "5",
                             "--receiver",
                             "mx*.example.org",
                             "--receiver",
                             "*.mail.example.org",
                             "--authserv-id",
                             "mx.example",
                             "--dns-zone",
                             "a.zone",
                             "--dns-zone",
                             "b.zone",
                             "--keys",
                             "k.zone",
                             "--dns-record",
                             "r.zone",
                             "--dns-server",
                             "127.0.0.1:53",
                             "--dns-timeout",
                             "750",
                             "--dns-min-ttl",
                             "1",
                             "--dns-max-ttl",
                             "60",
                             "--format",
                             "ar",
                             "in.mbox"});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_TRUE(o->at_received);
  EXPECT_TRUE(o->strict);
  EXPECT_EQ(o->max_signatures, 5u);
  EXPECT_EQ(o->receivers, (std::vector<std::string>{"mx*.example.org", "*.mail.example.org"}));
  EXPECT_EQ(o->authserv_id, "mx.example");
  EXPECT_EQ(o->dns.zone_files, (std::vector<std::string>{"a.zone", "b.zone"}));
  EXPECT_EQ(o->dns.keys_file, "k.zone");
  EXPECT_EQ(o->dns.record_file, "r.zone");
  EXPECT_EQ(o->dns.live.servers, std::vector<std::string>{"127.0.0.1:53"});
  EXPECT_EQ(o->dns.live.timeout_ms, 750);
  EXPECT_EQ(o->dns.cache.min_ttl, 1u);
  EXPECT_EQ(o->dns.cache.max_ttl, 60u);
  EXPECT_EQ(o->format, Options::Format::kAuthResults);

  Result<Options> fixed = Parse({"scan", "--at", "2025-01-01", "x"});
  ASSERT_TRUE(fixed.ok());
  EXPECT_FALSE(fixed->at_received);
  EXPECT_EQ(fixed->at, 1735689600);
  Result<Options> now = Parse({"scan", "x"});
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->at, -1);
}

TEST(ParseOptions, MboxFormatReachesTheArchiveReader) {
  Result<Options> o = Parse({"scan", "--mbox-format", "mboxo", "--max-message-size", "4096", "x"});
  ASSERT_TRUE(o.ok()) << o.error();
  ArchiveOptions archive = ArchiveOptionsOf(*o);
  EXPECT_EQ(archive.mbox_variant, MboxVariant::kMboxo);
  EXPECT_EQ(archive.max_message_size, 4096u);
  EXPECT_EQ(ArchiveOptionsOf(*Parse({"scan", "x"})).mbox_variant, MboxVariant::kAuto);
  EXPECT_EQ(ArchiveOptionsOf(*Parse({"scan", "--mbox-format=mboxcl2", "x"})).mbox_variant,
            MboxVariant::kMboxcl2);
  EXPECT_FALSE(Parse({"scan", "--mbox-format", "maildir", "x"}).ok());
}

TEST(ParseOptions, BadVerificationValuesAreUsageErrors) {
  EXPECT_FALSE(Parse({"scan", "--at", "soon", "x"}).ok());
  EXPECT_FALSE(Parse({"scan", "--max-signatures", "0", "x"}).ok());
  EXPECT_FALSE(Parse({"scan", "--format", "xml", "x"}).ok());
  EXPECT_FALSE(Parse({"scan", "--dns-timeout", "-3", "x"}).ok());
}

}  // namespace
}  // namespace mv
