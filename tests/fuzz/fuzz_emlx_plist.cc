// Fuzzes the Apple Mail .emlx parsers on bytes straight from disk: the byte-count line and the
// split into message and property list, the property-list reader with its time conversion, and
// the MIME walk of .partial.emlx reassembly (against an attachments folder that does not exist,
// so every part kept apart is missing and only the structure walk runs).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "archive/emlx_file.h"
#include "archive/emlx_plist.h"
#include "archive/partial_emlx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view message = input;
  std::string_view plist = input;
  if (mv::LooksLikeEmlx(input)) {
    const mv::EmlxLayout layout = mv::SplitEmlx(input);
    // The parts are views into the input and never overlap the count line.
    if (layout.message.data() < input.data() ||
        layout.message.data() + layout.message.size() > input.data() + input.size()) {
      std::abort();
    }
    message = layout.message;
    plist = layout.plist;
  }
  mv::Result<std::vector<mv::PlistValue>> values = mv::ParseEmlxPlist(plist);
  if (values.ok()) {
    for (const char* key : {"date-received", "date-sent", "date-last-viewed"}) {
      (void)mv::PlistTime(*values, key);
    }
  }
  const mv::PartialEmlx partial =
      mv::ReassemblePartialEmlx(message, "/nonexistent/mailverify-fuzz/Attachments/1", 1 << 20);
  if (!partial.message.empty()) std::abort();  // nothing can have been put back
  if (partial.missing.size() != partial.parts_kept_apart) std::abort();
  (void)mv::EmlxMailbox(input);
  return 0;
}
