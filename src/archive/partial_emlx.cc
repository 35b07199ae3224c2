#include "archive/partial_emlx.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "archive/emlx_part_encoding.h"
#include "message/header_index.h"

namespace mv {
namespace {

constexpr int kMaxDepth = 32;
constexpr size_t kMaxParts = 10000;
constexpr std::string_view kAppleLength = "X-Apple-Content-Length";

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

// The boundary parameter of a multipart Content-Type value, or "" when it is not multipart.
std::string MultipartBoundary(std::string_view content_type) {
  content_type = Trim(content_type);
  if (!StartsWithIgnoreCase(content_type, "multipart/")) return {};
  for (size_t i = 0; i + 9 <= content_type.size(); ++i) {
    if (!EqualsIgnoreCase(content_type.substr(i, 9), "boundary=")) continue;
    if (i > 0 && content_type[i - 1] != ';' && content_type[i - 1] != ' ' &&
        content_type[i - 1] != '\t' && content_type[i - 1] != '\n') {
      continue;
    }
    std::string_view v = content_type.substr(i + 9);
    if (v.starts_with('"')) {
      const size_t close = v.find('"', 1);
      if (close == std::string_view::npos) return {};
      return std::string(v.substr(1, close - 1));
    }
    return std::string(v.substr(0, v.find_first_of("; \t\r\n")));
  }
  return {};
}

struct Range {
  size_t offset, size;
};

// The body parts of a multipart body: a part runs from after its delimiter line to the line break
// in front of the next delimiter (RFC 2046 5.1.1: that line break belongs to the delimiter).
std::vector<Range> SplitMultipart(std::string_view body, std::string_view boundary) {
  std::vector<Range> parts;
  const std::string delimiter = "--" + std::string(boundary);
  bool in_part = false;
  size_t part_start = 0;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t line_end = body.find('\n', pos);
    if (line_end == std::string_view::npos) line_end = body.size();
    std::string_view line = body.substr(pos, line_end - pos);
    if (line.starts_with(delimiter)) {
      std::string_view rest = line.substr(delimiter.size());
      const bool close = rest.starts_with("--");
      if (close) rest.remove_prefix(2);
      if (Trim(rest).empty()) {
        if (in_part) {
          size_t part_end = pos;
          if (part_end > part_start && body[part_end - 1] == '\n') --part_end;
          if (part_end > part_start && body[part_end - 1] == '\r') --part_end;
          parts.push_back({part_start, part_end - part_start});
        }
        if (close) return parts;
        in_part = true;
        part_start = std::min(line_end + 1, body.size());
      }
    }
    pos = line_end + 1;
  }
  if (in_part) parts.push_back({part_start, body.size() - part_start});  // no close delimiter
  return parts;
}

// The first regular file (in byte order of names, dot files skipped) in `dir`.
std::string FirstFile(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return {};
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    struct stat st;
    if (::fstatat(::dirfd(d), e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode)) {
      names.emplace_back(e->d_name);
    }
  }
  ::closedir(d);
  if (names.empty()) return {};
  return dir + "/" + *std::min_element(names.begin(), names.end());
}

bool ReadWholeFile(const std::string& path, size_t max_size, std::string* out, std::string* error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) > max_size) {
    *error = path + ": larger than the maximum message size";
    ::close(fd);
    return false;
  }
  out->resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < out->size()) {
    const ssize_t r = ::read(fd, out->data() + got, out->size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      *error = path + ": " + (r < 0 ? std::strerror(errno) : "file shrank while being read");
      ::close(fd);
      return false;
    }
    got += static_cast<size_t>(r);
  }
  ::close(fd);
  return true;
}

struct Replacement {
  size_t offset, size;
  std::string text;
};

class Rebuilder {
 public:
  Rebuilder(const std::string& attachments_dir, size_t max_size, PartialEmlx* out)
      : dir_(attachments_dir), budget_(max_size), out_(out) {}

  void Walk(std::string_view entity, size_t base, const std::string& number, int depth) {
    if (depth > kMaxDepth || ++entities_ > kMaxParts) return;
    const HeaderIndex headers = HeaderIndex::Build(entity);
    const HeaderField* type = headers.First("Content-Type");
    const std::string boundary = type != nullptr ? MultipartBoundary(type->value) : std::string();
    if (!boundary.empty()) {
      const std::string_view body = headers.body();
      const size_t body_base = base + headers.body_offset();
      const std::vector<Range> parts = SplitMultipart(body, boundary);
      for (size_t i = 0; i < parts.size(); ++i) {
        const std::string child =
            (number.empty() ? std::string() : number + ".") + std::to_string(i + 1);
        Walk(body.substr(parts[i].offset, parts[i].size), body_base + parts[i].offset, child,
             depth + 1);
      }
      return;
    }
    if (headers.First(kAppleLength) != nullptr) {
      PutBack(entity, base, number.empty() ? "1" : number, headers);
    }
  }

  std::vector<Replacement> replacements;

 private:
  void PutBack(std::string_view entity, size_t base, const std::string& number,
               const HeaderIndex& headers) {
    ++out_->parts_kept_apart;
    const std::string file = FirstFile(dir_ + "/" + number);
    std::string content;
    std::string error;
    if (file.empty() || !ReadWholeFile(file, budget_, &content, &error)) {
      if (!error.empty() && out_->error.empty()) out_->error = error;
      out_->missing.push_back(number);
      return;
    }
    const HeaderField* encoding = headers.First("Content-Transfer-Encoding");
    std::string encoded = EncodeForTransfer(encoding ? encoding->value : "", content);
    // The header block as stored, less the X-Apple-Content-Length field Mail added.
    std::string text(entity.substr(0, headers.body_offset()));
    for (size_t k = headers.fields().size(); k-- > 0;) {
      const HeaderField& f = headers.fields()[k];
      if (!EqualsIgnoreCase(f.name, kAppleLength)) continue;
      size_t end = f.offset + f.raw.size();
      if (end < text.size() && text[end] == '\r') ++end;
      if (end < text.size() && text[end] == '\n') ++end;
      text.erase(f.offset, end - f.offset);
    }
    if (!headers.has_body_separator()) text.append(headers.lf_line_ends() ? "\n\n" : "\r\n\r\n");
    text.append(encoded);
    if (text.size() > budget_) {
      if (out_->error.empty()) out_->error = file + ": larger than the maximum message size";
      out_->missing.push_back(number);
      return;
    }
    budget_ -= text.size();
    replacements.push_back({base, entity.size(), std::move(text)});
  }

  const std::string& dir_;
  size_t budget_;
  PartialEmlx* out_;
  size_t entities_ = 0;
};

}  // namespace

std::string PartialEmlxAttachmentsDir(std::string_view emlx_path) {
  const size_t slash = emlx_path.rfind('/');
  const std::string_view name =
      slash == std::string_view::npos ? emlx_path : emlx_path.substr(slash + 1);
  const std::string_view id = name.substr(0, name.find('.'));
  const std::string_view messages =
      slash == std::string_view::npos ? std::string_view(".") : emlx_path.substr(0, slash);
  const size_t up = messages.rfind('/');
  const std::string parent =
      up == std::string_view::npos ? std::string(".") : std::string(messages.substr(0, up));
  return parent + "/Attachments/" + std::string(id);
}

PartialEmlx ReassemblePartialEmlx(std::string_view message, const std::string& attachments_dir,
                                  size_t max_size) {
  PartialEmlx out;
  Rebuilder rebuilder(attachments_dir, max_size > message.size() ? max_size - message.size() : 0,
                      &out);
  rebuilder.Walk(message, 0, "", 0);
  if (rebuilder.replacements.empty()) return out;
  std::sort(rebuilder.replacements.begin(), rebuilder.replacements.end(),
            [](const Replacement& a, const Replacement& b) { return a.offset < b.offset; });
  size_t at = 0;
  for (const Replacement& r : rebuilder.replacements) {
    out.message.append(message.substr(at, r.offset - at));
    out.message.append(r.text);
    at = r.offset + r.size;
  }
  out.message.append(message.substr(at));
  return out;
}

}  // namespace mv
