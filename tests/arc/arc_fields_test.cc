#include "arc/arc_fields.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

// Builds a one-field header so the parsers get a HeaderField with views into real bytes.
struct OneField {
  std::string text;
  HeaderIndex index;
  explicit OneField(std::string field) : text(std::move(field) + "\r\n\r\n") {
    index = HeaderIndex::Build(text);
  }
  const HeaderField& field() const { return index.fields().at(0); }
};

TEST(ArcFields, SealTagsAndCv) {
  OneField f(
      "ARC-Seal: i=2; a=rsa-sha256; d=Example.org; s=sel; cv=pass; t=12345;\r\n b=YWJj ZA==");
  Result<ArcSeal> seal = ParseArcSeal(f.field());
  ASSERT_TRUE(seal.ok()) << seal.error();
  EXPECT_EQ(seal->instance, 2);
  EXPECT_EQ(seal->cv, ArcCv::kPass);
  EXPECT_EQ(seal->domain, "example.org");
  EXPECT_EQ(seal->signature, "abcd");
  EXPECT_EQ(seal->without_b,
            "ARC-Seal: i=2; a=rsa-sha256; d=Example.org; s=sel; cv=pass; t=12345;\r\n b=");
  EXPECT_EQ(*seal->timestamp, 12345u);
}

TEST(ArcFields, SealRejections) {
  const char* bad[] = {
      "ARC-Seal: i=1; a=rsa-sha256; d=example.org; s=sel; b=YWJj",                   // no cv
      "ARC-Seal: i=1; a=rsa-sha256; d=example.org; s=sel; cv=maybe; b=YWJj",         // bad cv
      "ARC-Seal: i=1; a=rsa-sha256; d=example.org; s=sel; cv=none; h=from; b=YWJj",  // h=
      "ARC-Seal: i=0; a=rsa-sha256; d=example.org; s=sel; cv=none; b=YWJj",          // i=0
      "ARC-Seal: i=51; a=rsa-sha256; d=example.org; s=sel; cv=none; b=YWJj",         // i>50
      "ARC-Seal: i=1; a=rsa-sha512; d=example.org; s=sel; cv=none; b=YWJj",          // a=
      "ARC-Seal: i=1; a=rsa-sha256; d=example..org; s=sel; cv=none; b=YWJj",         // d=
      "ARC-Seal: i=1; a=rsa-sha256; d=example.org; s=; cv=none; b=YWJj",             // s=
      "ARC-Seal: i=1; a=rsa-sha256; d=example.org; s=sel; cv=none; b=",              // b=
      "ARC-Seal: i=1; a=rsa-sha256; d=example.org; s=sel; cv=none; t=; b=YWJj",      // t=
      "ARC-Seal: i=1; a=rsa-sha256; d=example.org; s=sel; cv=None; b=YWJj",          // case
  };
  for (const char* text : bad) {
    OneField f(text);
    EXPECT_FALSE(ParseArcSeal(f.field()).ok()) << text;
  }
}

TEST(ArcFields, MessageSignatureHeaderList) {
  OneField f(
      "ARC-Message-Signature: i=1; a=rsa-sha256; d=example.org; s=sel; bh=YWJj; b=YWJj;\r\n"
      " h=from : to::Subject");
  Result<ArcMessageSignature> ams = ParseArcMessageSignature(f.field());
  ASSERT_TRUE(ams.ok()) << ams.error();
  EXPECT_EQ(ams->signed_names, (std::vector<std::string_view>{"from", "to", "Subject"}));
  EXPECT_EQ(ams->canon.header, Canon::kRelaxed);  // c= absent: relaxed/relaxed, as dkimpy reads it
  EXPECT_EQ(ams->canon.body, Canon::kRelaxed);
  OneField seal_signed(
      "ARC-Message-Signature: i=1; a=rsa-sha256; d=example.org; s=sel; bh=YWJj; b=YWJj;"
      " h=from:arc-seal");
  EXPECT_FALSE(ParseArcMessageSignature(seal_signed.field()).ok());
  OneField empty_c(
      "ARC-Message-Signature: i=1; a=rsa-sha256; c=; d=example.org; s=sel; bh=YWJj; b=YWJj; h=a");
  EXPECT_FALSE(ParseArcMessageSignature(empty_c.field()).ok());
  OneField no_h("ARC-Message-Signature: i=1; a=rsa-sha256; d=example.org; s=sel; bh=YWJj; b=YWJj");
  EXPECT_FALSE(ParseArcMessageSignature(no_h.field()).ok());
}

TEST(ArcFields, InstanceReadableDespiteBrokenTags) {
  OneField f("ARC-Message-Signature: i=3; a=rsa-sha256; a=rsa-sha256; b=x");
  Result<int> i = ParseArcInstanceTag(f.field());
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(*i, 3);
  EXPECT_FALSE(ParseArcMessageSignature(f.field()).ok());
}

TEST(ArcFields, AuthResultsPerHop) {
  OneField f(
      "ARC-Authentication-Results: i=1; lists.example.org (mx 1);\r\n"
      "    spf=pass smtp.mfrom=jqd@d1.example;\r\n"
      "    dkim=pass (1024-bit key; \"quoted\") reason=\"a; b\" header.i=@d1.example;\r\n"
      "    dmarc = fail header.from=d1.example");
  Result<ArcAuthResults> aar = ParseArcAuthResults(f.field());
  ASSERT_TRUE(aar.ok()) << aar.error();
  EXPECT_EQ(aar->instance, 1);
  EXPECT_EQ(aar->authserv_id, "lists.example.org");
  ASSERT_EQ(aar->results.size(), 3u);
  EXPECT_EQ(aar->results[0].method, "spf");
  EXPECT_EQ(aar->results[0].properties.at(0),
            (std::pair<std::string, std::string>{"smtp.mfrom", "jqd@d1.example"}));
  EXPECT_EQ(aar->results[1].reason, "a; b");
  EXPECT_EQ(aar->results[2].method, "dmarc");
  EXPECT_EQ(aar->results[2].result, "fail");
}

TEST(ArcFields, AuthResultsPrefixRules) {
  for (const char* text : {"ARC-Authentication-Results: lists.example.org; i=1; spf=pass",
                           "ARC-Authentication-Results: i=1 lists.example.org; spf=pass",
                           "ARC-Authentication-Results: i=; lists.example.org; spf=pass",
                           "ARC-Authentication-Results: i=0; lists.example.org; spf=pass",
                           "ARC-Authentication-Results: i=1;"}) {
    OneField f(text);
    EXPECT_FALSE(ParseArcAuthResults(f.field()).ok()) << text;
  }
}

}  // namespace
}  // namespace mv
