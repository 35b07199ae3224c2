// ResultFromRecord: the public VerifyResult of a scan record — its JSON line and the main verdicts
// read back from the members the checks wrote — so the typed fields say what the JSON says.
#pragma once

#include <string_view>

#include "mailverify/verifier.h"
#include "report/message_record.h"

namespace mv {

// The verdict a result name stands for ("pass", "softfail", ...); kNone for anything else.
Verdict ParseVerdict(std::string_view name);

VerifyResult ResultFromRecord(const MessageRecord& record);

}  // namespace mv
