// DKIM2 fields are found and counted (not verified); see src/dkim/dkim2_presence.h.
#include "dkim/dkim2_presence.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

TEST(Dkim2Presence, CountsBothFieldsWhateverTheirCase) {
  const std::string message =
      "DKIM2-Signature: i=2; m=2; d=relay.example; s=s1; b=AAAA\r\n"
      "Message-Instance: m=2; h=sha256:BBBB\r\n"
      "dkim2-signature: i=1; m=1; d=example.com; s=s1; b=CCCC\r\n"
      "MESSAGE-INSTANCE: m=1; h=sha256:DDDD\r\n"
      "message-instance: m=0\r\n"
      "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=x; b=y\r\n"
      "DKIM2-Signatures: not this one\r\n"
      "From: a@example.com\r\n"
      "\r\n"
      "body\r\n";
  const Dkim2Presence p = FindDkim2Fields(HeaderIndex::Build(message));
  EXPECT_TRUE(p.present());
  EXPECT_EQ(p.signatures, 2u);
  EXPECT_EQ(p.message_instances, 3u);
  std::string json;
  JsonWriter w(&json);
  WriteDkim2Json(p, &w);
  EXPECT_EQ(json, R"({"present":true,"signatures":2,"message_instances":3,"verified":false})");
}

TEST(Dkim2Presence, NoneInAnOrdinaryMessage) {
  const Dkim2Presence p = FindDkim2Fields(HeaderIndex::Build(
      "DKIM-Signature: v=1; d=example.com\r\nFrom: a@example.com\r\n\r\nbody\r\n"));
  EXPECT_FALSE(p.present());
  EXPECT_EQ(p.signatures + p.message_instances, 0u);
}

}  // namespace
}  // namespace mv
