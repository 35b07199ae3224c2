// The one builder of the DMARC fail reason (no_aligned_pass_reason.h): its text, and that both
// evaluations (RFC 7489 and RFC 9989) use it, the HELO remark only under RFC 9989.
#include "dmarc/no_aligned_pass_reason.h"

#include <gtest/gtest.h>

#include <string>

#include "dmarc/dmarc_evaluator.h"
#include "dns/memory_source.h"

namespace mv {
namespace {

TEST(NoAlignedPassReason, SaysWhatDkimAndSpfGaveInWhichMode) {
  Result<DmarcRecord> rec = ParseDmarcRecord("v=DMARC1; p=reject; adkim=s", DmarcRules::kRfc9989);
  ASSERT_TRUE(rec.ok());
  DmarcInput in;
  in.dkim = {{"a.example", true}, {"b.example", false}};
  in.spf = {"relay.example", "pass", /*helo=*/true};
  EXPECT_EQ(NoAlignedPassReason(*rec, in, /*helo_never_aligns=*/true),
            "no aligned pass (strict DKIM: d=a.example pass, d=b.example not pass; relaxed SPF: "
            "pass for relay.example (HELO, not aligned))");
  EXPECT_EQ(NoAlignedPassReason(*rec, in, /*helo_never_aligns=*/false),
            "no aligned pass (strict DKIM: d=a.example pass, d=b.example not pass; relaxed SPF: "
            "pass for relay.example)");
  DmarcInput nothing;
  EXPECT_EQ(NoAlignedPassReason(*rec, nothing, true),
            "no aligned pass (strict DKIM: no signature; relaxed SPF: no result)");
}

// A null sender's SPF result is for the HELO name: RFC 9989 4.4.2 never aligns it and says so;
// RFC 7489 aligns the domain SPF checked, so a HELO outside the From domain fails there without
// the remark.
TEST(NoAlignedPassReason, BothEvaluationsUseIt) {
  MemoryDnsSource dns;
  dns.AddTxt("_dmarc.author.example", {"v=DMARC1; p=reject"});
  const std::string from = "someone@author.example";
  DmarcInput in;
  in.from_values = {from};
  in.spf = {"relay.example", "pass", /*helo=*/true};
  for (DmarcRules rules : {DmarcRules::kRfc7489, DmarcRules::kRfc9989}) {
    in.rules = rules;
    const DmarcResult r = DmarcEvaluator(&dns).Evaluate(in);
    EXPECT_EQ(r.result, DmarcResultCode::kFail);
    EXPECT_EQ(r.reason, NoAlignedPassReason(*r.record, in, rules == DmarcRules::kRfc9989));
    EXPECT_EQ(r.reason.find("(HELO, not aligned)") != std::string::npos,
              rules == DmarcRules::kRfc9989)
        << r.reason;
  }
}

}  // namespace
}  // namespace mv
