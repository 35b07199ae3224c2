// BounceCheck: recognises delivery status notifications (RFC 3464: a multipart/report with
// report-type=delivery-status, normally sent with a null Return-Path) and marks their records with
// `"bounce":true` and a `dsn` object naming the reported recipient and its status, so that an
// archive's bounces can be counted and told apart from mail whose authentication failed. It asks
// no DNS questions. SPF of a bounce is the SPF module's business: a null reverse-path is checked on
// the HELO identity (RFC 7208 2.4).
#pragma once

#include <optional>
#include <string>

#include "message/header_index.h"
#include "pipeline/message_check.h"

namespace mv {

struct DeliveryStatus {
  std::string reporting_mta;    // per-message Reporting-MTA, type prefix removed
  std::string final_recipient;  // first recipient's Final-Recipient, type prefix removed
  std::string original_recipient;
  std::string action;  // failed, delayed, delivered, relayed, expanded
  std::string status;  // e.g. 5.1.1
  std::string diagnostic_code;
  size_t recipients = 0;     // per-recipient groups in the report
  bool null_sender = false;  // Return-Path: <>
};

// The delivery status of the message, or nothing when it is not an RFC 3464 report.
std::optional<DeliveryStatus> ParseDeliveryStatus(const HeaderIndex& headers);

class BounceCheck : public MessageCheck {
 public:
  void CollectQuestions(const ParsedMessage&, std::vector<DnsQuestion>*) const override {}
  // Adds `bounce` and `dsn` members and the `bounce` counter to reports; nothing to other mail.
  void Run(const ParsedMessage& msg, MessageRecord* record) const override;
};

}  // namespace mv
