// Fuzzes what the mail-store readers take from a message's own bytes: Thunderbird's
// X-Mozilla-Status/-Status2/-Keys, Gmail Takeout's X-GM-THRID/X-Gmail-Labels, and the mbox
// "From " quoting readings the body-hash check tries, with the relations between those readings.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "archive/gmail_takeout.h"
#include "archive/mbox_quoting.h"
#include "archive/mozilla_status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  mv::Provenance p;
  p.mime = "original";
  std::string warning;
  mv::ReadGmailTakeoutFields(input, &p);
  const size_t gmail_labels = p.labels.size();
  mv::ReadMozillaStatusFields(input, &p, &warning);
  for (size_t i = gmail_labels; i < p.labels.size(); ++i) {
    if (p.labels[i].empty()) std::abort();  // a label is a flag name or a non-empty keyword
  }
  if ((p.mime == "incomplete") == warning.empty()) std::abort();  // Partial always says so

  // As stored is the input itself; each un-quoting removes at most one byte per line.
  if (mv::ReadMboxAs(input, mv::MboxReading::kNone) != input) std::abort();
  const std::string rd = mv::ReadMboxAs(input, mv::MboxReading::kMboxrd);
  const std::string o = mv::ReadMboxAs(input, mv::MboxReading::kMboxo);
  if (rd.size() > o.size() || o.size() > input.size()) std::abort();
  const std::vector<size_t> lines = mv::AmbiguousFromLines(input);
  if (!lines.empty() && !mv::HasFromLines(input)) std::abort();
  if (lines.size() <= 32) {
    const unsigned all = lines.size() == 32 ? ~0u : (1u << lines.size()) - 1;
    if (mv::UnquoteLines(input, lines, all) != o) std::abort();  // every ">From " line: mboxo
    if (mv::UnquoteLines(input, lines, 0) != input) std::abort();
  }
  return 0;
}
