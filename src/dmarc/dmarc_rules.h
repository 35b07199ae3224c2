// Which DMARC specification judges a message: RFC 7489 (2015, policy discovery through the Public
// Suffix List) or RFC 9989 (DMARCbis, May 2026, the DNS Tree Walk), and how `--dmarc-rules auto`
// picks one from a message's verification time, so that old mail is judged by the rules its
// sender and receiver followed when it was sent.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/status.h"

namespace mv {

enum class DmarcRules { kRfc7489, kRfc9989 };
enum class DmarcRulesChoice { kAuto, kRfc7489, kRfc9989 };

// RFC 9989's publication, taken as 2026-05-20 00:00:00 UTC. The RFC Editor's index entry for it
// (rfc9989.json, as mirrored at smakd.potaroo.net/ietf/rfc/rfc9989.json) says only
// "pub_date": "May 2026"; so do the RFC Editor's announcements of its companions RFC 9990/9991
// ("Date: May 2026"). No RFC Editor source found gives the day. The day is the date of the
// earliest dated publication notice found (a vendor's article, dmarcguard.io, "publishedAt:
// 2026-05-20", reporting the RFCs as published): by then the RFC was out, so no message is judged
// by RFC 9989 before its publication; at worst mail of 1 to 19 May 2026 is judged by RFC 7489,
// the rules its receivers had just been following. Mail verified as of an earlier time is judged
// by RFC 7489.
inline constexpr int64_t kRfc9989PublishedAt = 1779235200;

// "rfc9989" or "rfc7489", as written in records and in the man page.
std::string_view DmarcRulesName(DmarcRules rules);

// The rules for a message whose verification time is `verify_time` (unix seconds).
DmarcRules SelectDmarcRules(DmarcRulesChoice choice, int64_t verify_time);

// Reads "auto", "rfc9989" or "rfc7489" (the --dmarc-rules values).
Result<DmarcRulesChoice> ParseDmarcRulesChoice(std::string_view value);
// The --dmarc-rules word for `choice` (auto, rfc7489, rfc9989), as ParseDmarcRulesChoice reads it.
const char* DmarcRulesChoiceName(DmarcRulesChoice choice);

}  // namespace mv
