#include "report/message_record.h"

#include "report/display.h"
#include "report/mail_date.h"

namespace mv {

void MessageRecord::AddError(std::string_view text) {
  if (text.empty()) return;
  if (!error.empty()) error.append("; ");
  error.append(text);
}

void MessageRecord::Count(std::string_view counter, uint64_t n) {
  for (auto& [name, value] : counters) {
    if (name == counter) {
      value += n;
      return;
    }
  }
  counters.emplace_back(std::string(counter), n);
}

void FillBasicFields(const RawMessage& message, const HeaderIndex& headers, MessageRecord* record) {
  record->provenance = message.provenance;
  record->input_error = message.input_error;
  record->AddError(message.read_error);
  if (message.input_error) {
    if (record->error.empty()) record->error = "input could not be read";
    return;
  }
  record->AddError(headers.error());
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
