// Fuzzes the IMAP response layer as a scan's session drives it: the server's bytes arrive in
// chunks of a fuzzed size, are framed into responses (literals and limits), split into values
// and read as FETCH and LIST responses. A message body must always lie inside its response.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_input.h"
#include "imap/imap_response.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mv::FuzzInput input(data, size);
  const size_t chunk = 1 + input.TakeByte() % 64;
  const std::string_view stream = input.rest();
  // Small limits so the fuzzer reaches them.
  mv::ImapResponseFramer framer(/*max_literal=*/4096, /*max_line=*/1024);
  std::string response;
  for (size_t at = 0; at < stream.size(); at += chunk) {
    framer.Feed(stream.substr(at, chunk));
    while (framer.Next(&response)) {
      if (response.empty() || response.back() != '\n') std::abort();
      mv::Result<mv::ImapResponse> parsed = mv::ParseImapResponse(response);
      if (!parsed.ok()) continue;
      mv::Result<std::optional<mv::ImapFetch>> fetch = mv::InterpretFetch(*parsed);
      if (fetch.ok() && fetch->has_value() && (*fetch)->body) {
        const std::string_view body = *(*fetch)->body;
        // A literal body is a view into the response; a quoted one lives in the parsed value.
        const bool in_response = body.data() >= response.data() &&
                                 body.data() + body.size() <= response.data() + response.size();
        if (!in_response && body.size() > response.size()) std::abort();
      }
      (void)mv::InterpretList(*parsed);
    }
    if (!framer.error().empty()) break;
  }
  (void)mv::ParseInternalDate(stream.substr(0, 40));
  return 0;
}
