// MessageHashCheck: adds `sha256` to every checked message's record — the hex SHA-256 of exactly
// the bytes that were verified (after decompression and mbox "From " un-quoting, without the mbox
// "From " separator line), so a third party can tie a verdict to the bytes it was about.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/message_check.h"

namespace mv {

// Lower-case hex SHA-256 of `bytes` in one call.
std::string Sha256Hex(std::string_view bytes);

class MessageHashCheck : public MessageCheck {
 public:
  void CollectQuestions(const ParsedMessage&, std::vector<DnsQuestion>*) const override {}
  void Run(const ParsedMessage& msg, MessageRecord* record) const override;
};

}  // namespace mv
