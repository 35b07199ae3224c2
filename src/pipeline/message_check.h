// MessageCheck: the plug-in point through which a protocol module (DKIM, SPF, DMARC, ARC) joins the
// pipeline. A check first names the DNS questions it will ask, so that the resolve stage can fetch
// those of a whole batch of messages at once, then runs and adds its results to the record.
#pragma once

#include <vector>

#include "dns/dns_types.h"
#include "message/header_index.h"
#include "message/raw_message.h"
#include "report/message_record.h"

namespace mv {

// A message with its header index; `headers` views `raw.bytes`, which `raw.buffer` keeps alive.
struct ParsedMessage {
  RawMessage raw;
  HeaderIndex headers;
};

class MessageCheck {
 public:
  virtual ~MessageCheck() = default;
  // Adds the DNS questions this check will ask for `msg`, so the resolve stage can batch them.
  // Called concurrently from several threads.
  virtual void CollectQuestions(const ParsedMessage& msg, std::vector<DnsQuestion>* out) const = 0;
  // Adds the questions the check would ask next for `msg` that are not at hand yet (answering
  // from DnsResolver::Peek, see dns/probe_resolver.h), once the earlier ones are answered. The
  // resolve stage calls it round after round for the messages still missing answers, so that
  // names discovered on the way (SPF includes, DMARC's organizational domain) are fetched for
  // the whole batch at once and never make a verify thread wait. Called concurrently.
  virtual void CollectFollowUps(const ParsedMessage& msg, std::vector<DnsQuestion>* out) const {
    (void)msg;
    (void)out;
  }
  // Runs the check and adds its JSON members (and summary counters) to `record`. Called
  // concurrently from several threads, after the questions of the message's batch were prefetched.
  virtual void Run(const ParsedMessage& msg, MessageRecord* record) const = 0;
};

}  // namespace mv
