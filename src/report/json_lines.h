// JSON Lines output: one compact JSON object per record, ending in "\n". Members appear in a fixed
// order (provenance, display fields, error, then the checks' members) so runs can be diffed.
#pragma once

#include <string>
#include <string_view>

#include "report/message_record.h"
#include "util/status.h"

namespace mv {

// Appends the line for `record` to `out`. A header a message lacks is written as null; `date_raw`
// appears only when the Date field could not be parsed, `error` only when there is one. An input
// error is written as {"schema_version":N,"source":...,"input_error":true,"source_format":...,
// "error":...}, with source_format "unknown" when the input failed before its format was known.
void AppendJsonLine(const MessageRecord& record, std::string* out);

// Reads a record back from one line AppendJsonLine wrote (without its line break), so a merged
// scale-out result can be loaded into SQLite like a scan's own records. AppendJsonLine of the
// result gives the same line again.
Result<MessageRecord> RecordFromJsonLine(std::string_view line);

}  // namespace mv
