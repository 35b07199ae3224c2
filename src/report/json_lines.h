// JSON Lines output: one compact JSON object per record, ending in "\n". Members appear in a fixed
// order (provenance, display fields, error, then the checks' members) so runs can be diffed.
#pragma once

#include <string>

#include "report/message_record.h"

namespace mv {

// Appends the line for `record` to `out`. A header a message lacks is written as null; `date_raw`
// appears only when the Date field could not be parsed, `error` only when there is one. An input
// error is written as {"source":...,"input_error":true,"error":...}.
void AppendJsonLine(const MessageRecord& record, std::string* out);

}  // namespace mv
