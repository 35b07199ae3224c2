#include "report/message_record.h"

#include "report/display.h"
#include "report/mail_date.h"
#include "report/receive_time.h"

namespace mv {

void MessageRecord::AddError(std::string_view text) {
  if (text.empty()) return;
  if (!error.empty()) error.append("; ");
  error.append(text);
}

namespace {

// Room for the counters a checked message usually gets (one per protocol, a few DKIM results),
// so that the list does not grow one step at a time.
constexpr size_t kUsualCounters = 8;

bool IsGroupResult(std::string_view name, std::string_view group, std::string_view result) {
  return name.size() == group.size() + 1 + result.size() && name.starts_with(group) &&
         name[group.size()] == '.' && name.ends_with(result);
}

}  // namespace

void MessageRecord::Count(std::string_view counter, uint64_t n) {
  for (auto& [name, value] : counters) {
    if (name == counter) {
      value += n;
      return;
    }
  }
  if (counters.empty()) counters.reserve(kUsualCounters);
  counters.emplace_back(std::string(counter), n);
}

void MessageRecord::CountResult(std::string_view group, std::string_view result) {
  for (auto& [name, value] : counters) {
    if (IsGroupResult(name, group, result)) {
      ++value;
      return;
    }
  }
  if (counters.empty()) counters.reserve(kUsualCounters);
  std::string name;
  name.reserve(group.size() + 1 + result.size());
  name.append(group).append(".").append(result);
  counters.emplace_back(std::move(name), 1);
}

void FillBasicFields(const RawMessage& message, const HeaderIndex& headers, MessageRecord* record) {
  record->provenance = message.provenance;
  record->input_error = message.input_error;
  record->AddError(message.read_error);
  if (message.input_error) {
    if (record->error.empty()) record->error = "input could not be read";
    return;
  }
  record->AddError(message.store_warning);
  record->AddError(headers.error());
  FillReceiveTimeFromHeaders(headers, &record->provenance);
  if (const HeaderField* f = headers.First("Message-ID"))
    record->message_id = UnfoldAndTrim(f->value);
  if (const HeaderField* f = headers.First("From")) record->from = DecodeHeaderForDisplay(f->value);
  if (const HeaderField* f = headers.First("Subject")) {
    record->subject = DecodeHeaderForDisplay(f->value);
  }
  if (const HeaderField* f = headers.First("Date")) {
    if (std::optional<int64_t> t = ParseMailDate(f->value)) {
      record->date = FormatIso8601Utc(*t);
    } else {
      record->date_raw = UnfoldAndTrim(f->value);
    }
  }
}

}  // namespace mv
