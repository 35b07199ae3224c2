#include "recovery/recovered_zone.h"

#include <cstdio>

namespace mv {
namespace {

constexpr unsigned kTtl = 86400;

// Comments end at the line break, so anything that came from a message is kept to one line.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  return out;
}

std::string Origin(const SampleOrigin& o) {
  std::string text = OneLine(o.source);
  text.append(":").append(std::to_string(o.index));
  if (o.field > 0)
    text.append(" (DKIM-Signature #").append(std::to_string(o.field + 1)).append(")");
  text.append(" ").append(o.message_id.empty() ? std::string("(no Message-ID)")
                                               : OneLine(o.message_id));
  return text;
}

std::string QuotedStrings(const std::string& record) {
  std::string out;
  for (size_t i = 0; i < record.size(); i += 255) {
    if (!out.empty()) out += ' ';
    out += '"';
    for (char c : std::string_view(record).substr(i, 255)) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out;
}

}  // namespace

std::string FormatRecoveredZone(const KeyRecoveryReport& report) {
  std::string out = "; DKIM keys recovered by mailverify recover-keys from " +
                    std::to_string(report.messages) +
                    " messages: " + std::to_string(report.keys.size()) + " keys\n";
  for (const RecoveredKey& key : report.keys) {
    const uint64_t others = key.name_signatures >= 2 ? key.name_signatures - 2 : 0;
    out.append("\n; ").append(key.key_name).append(": ").append(std::to_string(key.bits));
    out.append("-bit RSA, e=").append(std::to_string(key.numbers.exponent));
    out.append(key.confirmed() ? ", confirmed\n" : ", UNCONFIRMED\n");
    out.append(";   computed from ").append(Origin(key.pair[0])).append("\n");
    out.append(";             and ").append(Origin(key.pair[1])).append("\n");
    out.append(";   verifies ").append(std::to_string(key.verified_others)).append(" of ");
    out.append(std::to_string(others)).append(" other signatures under the name (");
    out.append(std::to_string(key.verified_others_distinct)).append(" distinct)");
    if (!key.pair_verified) out.append("; its own pair does NOT verify through the DKIM verifier");
    out.append("\n").append(key.key_name).append(". ").append(std::to_string(kTtl));
    out.append(" IN TXT ").append(QuotedStrings(key.record)).append("\n");
  }
  return out;
}

std::string FormatRecoverySummary(const KeyRecoveryReport& report) {
  std::string out;
  for (const KeyNameOutcome& o : report.names) {
    char times[128];
    std::snprintf(times, sizeof times, " [%.1f s: %.1f s powers, %.1f s gcd; %.1f s CPU]",
                  o.search.seconds, o.search.power_seconds, o.search.gcd_seconds,
                  o.search.cpu_seconds);
    out.append(o.key_name).append(" (").append(o.why).append(", ");
    out.append(std::to_string(o.samples)).append(" signatures): ").append(o.outcome);
    out.append(times).append("\n");
    for (size_t k : o.keys) {
      const RecoveredKey& key = report.keys[k];
      out.append("  ").append(std::to_string(key.bits)).append("-bit key, e=");
      out.append(std::to_string(key.numbers.exponent)).append(": ");
      out.append(key.confirmed() ? "confirmed" : "UNCONFIRMED").append(", verifies ");
      out.append(std::to_string(key.verified_others)).append(" other signatures (");
      out.append(std::to_string(key.verified_others_distinct)).append(" distinct)\n");
    }
  }
  char tail[160];
  std::snprintf(tail, sizeof tail,
                "recover-keys: %zu keys from %llu messages in %.1f s; %llu key names skipped "
                "(key in DNS), %llu skipped (DNS failure)\n",
                report.keys.size(), static_cast<unsigned long long>(report.messages),
                report.seconds, static_cast<unsigned long long>(report.names_with_key),
                static_cast<unsigned long long>(report.names_dns_failed));
  out += tail;
  return out;
}

}  // namespace mv
