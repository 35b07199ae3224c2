// The three ARC header fields (RFC 8617 4.1) parsed for validation: ARC-Seal (AS),
// ARC-Message-Signature (AMS) and ARC-Authentication-Results (AAR). The tag syntax, algorithm and
// canonicalization words and base64 are the DKIM module's (dkim/tag_list.h, dkim/dkim_signature.h);
// this file adds only what ARC does differently (i= instances, cv=, no v=, AS without h=).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/dkim_signature.h"
#include "message/header_index.h"
#include "util/status.h"

namespace mv {

// RFC 8617 4.2.1: instance numbers run from 1 to 50.
constexpr int kMaxArcInstance = 50;

enum class ArcCv { kNone, kPass, kFail };
std::string_view ArcCvName(ArcCv cv);

// Fields every ARC signature (AS or AMS) has.
struct ArcSignatureCommon {
  const HeaderField* field = nullptr;
  int instance = 0;
  std::string_view a, d, s;
  DkimAlgorithm algorithm = DkimAlgorithm::kRsaSha256;
  std::string domain;     // d= lower-cased
  std::string signature;  // b= decoded
  std::string without_b;  // the field's raw text with the b= value emptied
  std::optional<uint64_t> timestamp;
};

struct ArcSeal : ArcSignatureCommon {
  ArcCv cv = ArcCv::kNone;
};

struct ArcMessageSignature : ArcSignatureCommon {
  Canonicalization canon;
  std::vector<std::string_view> signed_names;  // h=, empty names dropped
  std::string body_hash;                       // bh= decoded
  std::optional<uint64_t> length;              // l=
};

// One result an AAR recorded ("spf=pass smtp.mailfrom=..."), for the per-hop report.
struct AarResult {
  std::string method;
  std::string result;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> properties;  // "smtp.mailfrom" -> value
};

struct ArcAuthResults {
  const HeaderField* field = nullptr;
  int instance = 0;
  std::string authserv_id;
  std::vector<AarResult> results;
};

// Reads only the i= instance of an AS or AMS field, so the chain structure can be checked even when
// another tag is broken. Fails when i= is missing or not a number in 1..50.
Result<int> ParseArcInstanceTag(const HeaderField& field);

// Full parses. A failure message says which rule was broken.
Result<ArcSeal> ParseArcSeal(const HeaderField& field);
Result<ArcMessageSignature> ParseArcMessageSignature(const HeaderField& field);
// The AAR must start with "i=<n>;" followed by an Authentication-Results payload (RFC 8617 4.1.1).
Result<ArcAuthResults> ParseArcAuthResults(const HeaderField& field);
// The Authentication-Results payload alone (RFC 8601: authserv-id, then resinfo; the value of an
// Authentication-Results field, or of an AAR after "i=<n>;"); field and instance left unset.
Result<ArcAuthResults> ParseAuthResultsPayload(std::string_view payload);

// True when `d` is a syntactically valid domain name (LDH labels, '_' allowed, no empty label).
bool IsValidSigningDomain(std::string_view d);

}  // namespace mv
