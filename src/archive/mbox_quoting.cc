#include "archive/mbox_quoting.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mv {
namespace {

// Calls `line(offset, text)` for every line of `s` (text without its LF).
template <class F>
void ForEachLine(std::string_view s, F&& line) {
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    line(start, s.substr(start, end - start));
    start = end + 1;
  }
}

bool QuotedFrom(std::string_view line, size_t* quotes) {
  const size_t q = line.find_first_not_of('>');
  if (q == std::string_view::npos) return false;
  *quotes = q;
  return line.substr(q).starts_with("From ");
}

bool PreadFully(int fd, char* buf, size_t n, uint64_t offset) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, buf + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

std::string_view MboxReadingName(MboxReading reading) {
  switch (reading) {
    case MboxReading::kMboxrd:
      return "mboxrd";
    case MboxReading::kMboxo:
      return "mboxo";
    case MboxReading::kNone:
      return "none";
  }
  return "none";
}

bool HasFromLines(std::string_view message) {
  // Searching for "From " first keeps this cheap on the many bodies that have none.
  for (size_t at = message.find("From "); at != std::string_view::npos;
       at = message.find("From ", at + 1)) {
    size_t start = at;
    while (start > 0 && message[start - 1] == '>') --start;
    if (start == 0 || message[start - 1] == '\n') return true;
  }
  return false;
}

std::string ReadMboxAs(std::string_view stored, MboxReading reading) {
  std::string out;
  out.reserve(stored.size());
  size_t copied = 0;
  ForEachLine(stored, [&](size_t offset, std::string_view line) {
    size_t quotes = 0;
    if (!QuotedFrom(line, &quotes) || quotes == 0) return;
    if (reading == MboxReading::kNone || (reading == MboxReading::kMboxo && quotes != 1)) return;
    out.append(stored.substr(copied, offset - copied));
    copied = offset + 1;  // drop one '>'
  });
  out.append(stored.substr(copied));
  return out;
}

std::vector<size_t> AmbiguousFromLines(std::string_view stored) {
  std::vector<size_t> offsets;
  ForEachLine(stored, [&](size_t offset, std::string_view line) {
    if (line.starts_with(">From ")) offsets.push_back(offset);
  });
  return offsets;
}

std::string UnquoteLines(std::string_view stored, const std::vector<size_t>& offsets,
                         unsigned mask) {
  std::string out;
  out.reserve(stored.size());
  size_t copied = 0;
  for (size_t i = 0; i < offsets.size() && i < 32; ++i) {
    if ((mask >> i & 1) == 0) continue;
    out.append(stored.substr(copied, offsets[i] - copied));
    copied = offsets[i] + 1;
  }
  out.append(stored.substr(copied));
  return out;
}

Result<std::string> ReadStoredMboxMessage(const Provenance& provenance, size_t max_size) {
  if (provenance.source == "-") return Status::Error("stdin cannot be read again");
  if (provenance.size > max_size) return Status::Error("message larger than the maximum size");
  const int fd = ::open(provenance.source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error(provenance.source + ": " + std::strerror(errno));
  struct stat st;
  std::string from_line(1024, '\0');
  std::string stored;
  Status status;
  const uint64_t file_size = ::fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  const uint64_t offset = provenance.offset;
  const size_t head = static_cast<size_t>(
      std::min<uint64_t>(from_line.size(), file_size > offset ? file_size - offset : 0));
  if (!S_ISREG(st.st_mode) || head < 5 || !PreadFully(fd, from_line.data(), head, offset) ||
      std::string_view(from_line).substr(0, 5) != "From ") {
    status = Status::Error("the stored bytes are not an uncompressed mbox message at offset " +
                           std::to_string(offset));
  } else if (const size_t nl = from_line.find('\n'); nl == std::string::npos || nl >= head) {
    status = Status::Error("mbox \"From \" line longer than 1024 bytes");
  } else {
    stored.resize(static_cast<size_t>(provenance.size));
    if (!PreadFully(fd, stored.data(), stored.size(), offset + nl + 1)) {
      status = Status::Error(provenance.source + ": short read");
    }
  }
  ::close(fd);
  if (!status.ok()) return status;
  return stored;
}

}  // namespace mv
