// MessageRecord: everything mailverify reports about one message (or about one input that could not
// be read). The pipeline fills the basic fields; each protocol check appends its own JSON members
// and bumps summary counters. Writers (JSON Lines, summary) only read records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "message/header_index.h"
#include "message/raw_message.h"

namespace mv {

struct RecordMember {
  std::string key;
  std::string json;  // an already-serialised JSON value
};

struct MessageRecord {
  Provenance provenance;
  // The record stands for a whole input that failed; only `provenance.source` and `error` apply.
  bool input_error = false;
  // Header values for display; nothing when the message has no such field.
  std::optional<std::string> message_id;    // unfolded and trimmed, angle brackets kept
  std::optional<std::string> from;          // RFC 2047 decoded
  std::optional<std::string> subject;       // RFC 2047 decoded
  std::optional<std::string> date;          // ISO 8601 UTC, when the Date field parses
  std::optional<std::string> date_raw;      // the Date field as written, when it does not
  std::string error;                        // empty when nothing went wrong
  std::optional<std::string> auth_results;  // the Authentication-Results value, when checked
  std::vector<RecordMember> members;        // written after the basic fields, in this order
  std::vector<std::pair<std::string, uint64_t>> counters;  // summed into the run summary

  void AddMember(std::string key, std::string json) {
    members.push_back({std::move(key), std::move(json)});
  }
  // Several problems are joined with "; " so none is lost.
  void AddError(std::string_view text);
  // Adds `n` to the named summary counter (e.g. "dkim.pass").
  void Count(std::string_view counter, uint64_t n = 1);
  // Adds 1 to the counter "<group>.<result>" (e.g. "dkim", "pass"); the name is only built when
  // the record does not have that counter yet, which for a protocol's result it never has.
  void CountResult(std::string_view group, std::string_view result);
};

// Fills provenance, the display fields and `error` (read error, then header error) of `record`.
// `headers` must index `message.bytes`; for an input error only provenance and error are set.
void FillBasicFields(const RawMessage& message, const HeaderIndex& headers, MessageRecord* record);

}  // namespace mv
