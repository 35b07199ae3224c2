// BodyHasher: streaming DKIM body canonicalization (RFC 6376 3.4.3, 3.4.4) feeding one or more
// digests. The body is read once, in chunks of any size, and never copied as a whole: canonical
// output is handed to the digests as runs of the input bytes, and only the bytes canonicalization
// changes (CRLF for a bare LF, one SP for a run of WSP) go through a small staging buffer. Each
// digest target may have its own l= limit, so all signatures of a message sharing a
// canonicalization are served by one pass.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/digest.h"

namespace mv {

class BodyHasher {
 public:
  explicit BodyHasher(Canon canon) : canon_(canon) {}

  // Adds a digest over the first `limit` canonical bytes (all of them when nullopt); returns its
  // index for digest()/hashed_bytes(). Call before the first Update.
  size_t AddTarget(DkimHash hash, std::optional<uint64_t> limit = std::nullopt);

  // Feeds the next chunk of the body (bytes after the blank line ending the header section).
  void Update(std::string_view chunk);
  // Ends the body; digests are available afterwards.
  void Finish();

  const std::string& digest(size_t target) const { return targets_[target].result; }
  // Canonical bytes that went into the target's digest: min(l=, canonical length).
  uint64_t hashed_bytes(size_t target) const { return targets_[target].hashed; }
  // Length of the whole canonical body, whatever the limits.
  uint64_t canonical_length() const { return canonical_length_; }

 private:
  struct Target {
    Digest digest;
    std::optional<uint64_t> limit;
    uint64_t hashed = 0;
    std::string result;
  };

  void UpdateSimple(const char* p, const char* end);
  void UpdateRelaxed(const char* p, const char* end);
  void Content(const char* p, size_t n);
  void StagePlainLine(const char* p, size_t n);  // a line of content ended by a bare LF
  void EndLine(const char* crlf);  // crlf: the input's "\r\n", or nullptr for a bare LF
  void Emit(const char* p, size_t n);
  void FlushRun();
  void FlushStaging();
  void Feed(const char* p, size_t n);

  Canon canon_;
  std::vector<Target> targets_;
  uint64_t canonical_length_ = 0;
  bool finished_ = false;

  // Canonicalization state carried across chunks.
  bool line_has_content_ = false;  // the current line has emitted non-WSP content
  bool any_content_ = false;       // some line had content
  uint64_t pending_empty_ = 0;     // empty lines seen since the last content (dropped at the end)
  bool held_cr_ = false;        // the last chunk ended in CR: its meaning depends on the next byte
  bool pending_space_ = false;  // relaxed: a WSP run awaits the next content byte
  const char* space_ptr_ = nullptr;  // relaxed: the run began with an input SP, at this address

  // Output: a run of contiguous input bytes not yet fed, and a staging buffer for changed bytes.
  const char* run_ = nullptr;
  size_t run_len_ = 0;
  std::array<char, 4096> staging_;
  size_t staged_ = 0;
};

// One-call form for tests and small tools.
struct BodyHash {
  std::string digest;
  uint64_t hashed_bytes = 0;
  uint64_t canonical_length = 0;
};
BodyHash ComputeBodyHash(Canon canon, DkimHash hash, std::optional<uint64_t> limit,
                         std::string_view body);

}  // namespace mv
