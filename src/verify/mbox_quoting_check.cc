#include "verify/mbox_quoting_check.h"

#include "archive/mbox_quoting.h"

namespace mv {
namespace {

constexpr size_t kMaxAmbiguousLines = 8;              // 2^8 line-by-line readings at most
constexpr size_t kMaxStoredBytes = size_t{64} << 20;  // a larger message is not read again
constexpr size_t kMaxMixedBytes = size_t{1} << 20;    // bounds line-by-line hashing to 256 MiB

size_t BodyHashMismatches(const std::vector<DkimResult>& results) {
  size_t n = 0;
  for (const DkimResult& r : results) n += r.reason == DkimReason::kBodyHashMismatch;
  return n;
}

// True when no body hash failed and at least one was compared: the verifier hashes the body only
// once it has a key, so a missing key or a DNS error says nothing about the reading.
bool BodyHashesReproduced(const std::vector<DkimResult>& results) {
  bool compared = false;
  for (const DkimResult& r : results) {
    if (r.reason == DkimReason::kBodyHashMismatch) return false;
    compared = compared || r.reason == DkimReason::kOk ||
               r.reason == DkimReason::kSignatureMismatch || r.key_bits > 0;
  }
  return compared;
}

// Takeout writes X-GM-THRID on every message (labels alone may be a Thunderbird client's).
bool FromTakeout(const Provenance& p) {
  return !p.gmail_thread_id.empty();
}

// Verifies `message`; true (with *results set) when no body hash fails on it.
bool Reproduces(const DkimVerifier& verifier, int64_t verify_time, const std::string& message,
                std::vector<DkimResult>* results) {
  const HeaderIndex index = HeaderIndex::Build(message);
  std::vector<DkimResult> got = verifier.Verify(index, verify_time);
  if (!BodyHashesReproduced(got)) return false;
  *results = std::move(got);
  return true;
}

}  // namespace

MboxQuotingOutcome ResolveMboxQuoting(const ParsedMessage& msg, const DkimVerifier& verifier,
                                      int64_t verify_time, std::vector<DkimResult>* dkim) {
  MboxQuotingOutcome out;
  const Provenance& p = msg.raw.provenance;
  if (p.source_format != "mbox" || dkim->empty() || !HasFromLines(msg.headers.body())) return out;
  const std::string_view delivered = msg.raw.bytes;
  if (BodyHashesReproduced(*dkim)) {
    // The reader's reading reproduced bh=: say which it was. Un-quoting only ever drops '>'
    // bytes, so the delivered message is the stored one exactly when their sizes agree; reading
    // the stored bytes again to compare them cost an open, a pread and a copy for one message in
    // six of the bench corpus (5% of a scan's CPU).
    out.reading = delivered.size() == p.size ? "none" : "mboxrd";
    return out;
  }
  if (BodyHashMismatches(*dkim) == 0) return out;  // no body hash was compared
  Result<std::string> stored = ReadStoredMboxMessage(p, kMaxStoredBytes);
  if (!stored.ok()) return out;
  std::vector<DkimResult> results;
  std::string candidate;
  bool found = false;
  for (MboxReading reading : {MboxReading::kMboxrd, MboxReading::kMboxo, MboxReading::kNone}) {
    candidate = ReadMboxAs(*stored, reading);
    if (candidate == delivered) continue;  // the reading the results already come from
    if (Reproduces(verifier, verify_time, candidate, &results)) {
      out.reading = reading == MboxReading::kMboxo && FromTakeout(p)
                        ? "gmail"
                        : std::string(MboxReadingName(reading));
      found = true;
      break;
    }
  }
  if (const std::vector<size_t> lines = AmbiguousFromLines(*stored);
      !found && lines.size() > 1 && lines.size() <= kMaxAmbiguousLines &&
      stored->size() <= kMaxMixedBytes) {
    // All-quoted and none-quoted were tried above; each mix of the two in between here.
    const unsigned all = (1u << lines.size()) - 1;
    for (unsigned mask = 1; mask < all && !found; ++mask) {
      candidate = UnquoteLines(*stored, lines, mask);
      if (candidate != delivered && Reproduces(verifier, verify_time, candidate, &results)) {
        out.reading = "mixed";
        found = true;
      }
    }
  }
  if (!found) return out;
  for (DkimResult& r : results) {
    if (!r.detail.empty()) r.detail.append("; ");
    r.detail.append("body read from the mbox as " + out.reading +
                    " quoting (the reader's mboxrd reading did not reproduce bh=)");
  }
  *dkim = std::move(results);
  out.message = std::move(candidate);
  return out;
}

}  // namespace mv
