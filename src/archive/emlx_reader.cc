#include "archive/emlx_reader.h"

#include "archive/emlx_file.h"
#include "archive/emlx_plist.h"
#include "archive/partial_emlx.h"

namespace mv {
namespace {

void AddWarning(RawMessage* out, std::string_view text) {
  if (text.empty()) return;
  if (!out->store_warning.empty()) out->store_warning.append("; ");
  out->store_warning.append(text);
}

std::string JoinParts(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out.append(", ");
    out.append(p);
  }
  return out;
}

}  // namespace

void ReadEmlxMessage(const std::string& path, std::shared_ptr<const void> file,
                     std::string_view data, size_t max_message_size, RawMessage* out) {
  const EmlxLayout layout = SplitEmlx(data);
  Provenance& p = out->provenance;
  p.source_format = "emlx";
  p.folder = EmlxMailbox(path);
  p.mime = layout.truncated ? "incomplete" : "original";
  AddWarning(out, layout.warning);
  if (!layout.plist.empty()) {
    Result<std::vector<PlistValue>> plist = ParseEmlxPlist(layout.plist);
    if (!plist.ok()) {
      AddWarning(out, "emlx property list: " + plist.error());
    } else if (std::optional<int64_t> received = PlistTime(*plist, "date-received")) {
      p.received_at = *received;
      p.received_at_source = "plist";
    }
  }
  out->bytes = layout.message;
  out->buffer = std::move(file);

  PartialEmlx partial =
      ReassemblePartialEmlx(layout.message, PartialEmlxAttachmentsDir(path), max_message_size);
  if (partial.parts_kept_apart == 0 && !path.ends_with(".partial.emlx")) return;
  p.source_format = "partial-emlx";
  if (!partial.message.empty()) {
    auto rebuilt = std::make_shared<const std::string>(std::move(partial.message));
    out->bytes = *rebuilt;
    out->buffer = std::move(rebuilt);
    p.mime = "reassembled";
  }
  if (!partial.missing.empty()) {
    p.mime = "incomplete";
    AddWarning(out, "partial emlx: " + std::to_string(partial.missing.size()) + " of " +
                        std::to_string(partial.parts_kept_apart) +
                        " parts kept apart are missing (" + JoinParts(partial.missing) +
                        "; nothing under " + PartialEmlxAttachmentsDir(path) +
                        "/<part>/), their bodies are empty here");
  }
  if (!partial.error.empty()) AddWarning(out, partial.error);
}

}  // namespace mv
