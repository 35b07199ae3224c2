#include "archive/emlx_file.h"

#include <charconv>

namespace mv {
namespace {

struct CountLine {
  uint64_t count = 0;
  size_t length = 0;  // bytes of the line, LF included
};

bool ParseCountLine(std::string_view data, CountLine* out) {
  size_t i = 0;
  while (i < data.size() && i < 10 && data[i] >= '0' && data[i] <= '9') ++i;
  if (i == 0 || (i < data.size() && data[i] >= '0' && data[i] <= '9')) return false;
  std::from_chars(data.data(), data.data() + i, out->count);
  while (i < data.size() && data[i] == ' ') ++i;
  if (i < data.size() && data[i] == '\r') ++i;
  if (i >= data.size() || data[i] != '\n') return false;
  out->length = i + 1;
  return true;
}

bool StartsPlist(std::string_view rest) {
  const size_t first = rest.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  rest.remove_prefix(first);
  return rest.starts_with("<?xml") || rest.starts_with("<!DOCTYPE plist") ||
         rest.starts_with("<plist");
}

// The last "<?xml" at the start of a line: Mail writes the property list last, so an earlier one
// would be inside the message (an attached XML file, say).
size_t FindTrailingPlist(std::string_view body) {
  size_t pos = body.rfind("<?xml");
  while (pos != std::string_view::npos) {
    if (pos == 0 || body[pos - 1] == '\n') {
      if (body.find("<plist", pos) != std::string_view::npos) return pos;
    }
    if (pos == 0) break;
    pos = body.rfind("<?xml", pos - 1);
  }
  return std::string_view::npos;
}

}  // namespace

bool LooksLikeEmlx(std::string_view data) {
  CountLine line;
  return ParseCountLine(data, &line);
}

EmlxLayout SplitEmlx(std::string_view data) {
  EmlxLayout out;
  CountLine line;
  if (!ParseCountLine(data, &line)) {
    out.message = data;
    out.warning = "not an .emlx byte-count line";
    return out;
  }
  const std::string_view body = data.substr(line.length);
  if (line.count <= body.size() && StartsPlist(body.substr(line.count))) {
    out.message = body.substr(0, line.count);
    out.plist = body.substr(line.count);
    return out;
  }
  if (const size_t plist = FindTrailingPlist(body); plist != std::string_view::npos) {
    out.message = body.substr(0, plist);
    out.plist = body.substr(plist);
    out.warning = "emlx byte count " + std::to_string(line.count) + ", but " +
                  std::to_string(plist) +
                  " bytes precede the property list (the file was edited after Mail wrote it)";
    return out;
  }
  if (line.count > body.size()) {
    out.message = body;
    out.truncated = true;
    out.warning = "emlx byte count " + std::to_string(line.count) + ", but only " +
                  std::to_string(body.size()) +
                  " bytes follow and no property list: the message may be truncated";
    return out;
  }
  out.message = body.substr(0, line.count);
  out.warning = "no property list after the " + std::to_string(line.count) + "-byte message (" +
                std::to_string(body.size() - line.count) + " bytes after it ignored)";
  return out;
}

std::string EmlxMailbox(std::string_view path) {
  std::string mailbox;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) break;  // the last component is the file itself
    const std::string_view component = path.substr(start, end - start);
    if (component.size() > 5 && component.ends_with(".mbox")) {
      if (!mailbox.empty()) mailbox.push_back('/');
      mailbox.append(component.substr(0, component.size() - 5));
    }
    start = end + 1;
  }
  return mailbox;
}

}  // namespace mv
