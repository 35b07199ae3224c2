// DkimSignature: one DKIM-Signature header field parsed and checked for syntax and the rules that
// need no DNS (RFC 6376 3.5, 6.1.1): required tags, v=1, a supported a=, a valid c=, q=dns/txt,
// numeric l=/t=/x=, i= within d=, From in h=.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/digest.h"
#include "dkim/dkim_key.h"
#include "dkim/dkim_status.h"
#include "dkim/tag_list.h"
#include "message/header_index.h"

namespace mv {

enum class DkimAlgorithm { kRsaSha1, kRsaSha256, kEd25519Sha256 };

std::optional<DkimAlgorithm> ParseDkimAlgorithm(std::string_view a);
DkimHash AlgorithmHash(DkimAlgorithm a);
DkimKeyType AlgorithmKeyType(DkimAlgorithm a);

// Reads a decimal tag value of at most `max_digits` digits (RFC 6376: 76 for l=, 12 for t=/x=).
std::optional<uint64_t> ParseDkimNumber(std::string_view value, size_t max_digits);

struct DkimSignature {
  const HeaderField* field = nullptr;
  TagList tags;
  // Tag values as written (views into the message); empty when absent.
  std::string_view d, s, a, c, i, h, q;
  DkimAlgorithm algorithm = DkimAlgorithm::kRsaSha256;
  Canonicalization canon;
  std::vector<std::string_view> signed_names;  // h= split
  std::string body_hash;                       // bh= decoded
  std::string signature;                       // b= decoded
  std::optional<uint64_t> length;              // l=
  std::optional<uint64_t> timestamp;           // t=
  std::optional<uint64_t> expiry;              // x=
  std::string domain;                          // d= lower-cased
  std::string identity;                        // i=, or "@" + d= when absent
  std::string identity_domain;                 // the part of i= after its last "@", lower-cased
  std::string without_b;                       // the field's raw text with b= emptied

  DkimHash hash() const { return AlgorithmHash(algorithm); }
};

struct DkimSignatureParse {
  DkimReason reason = DkimReason::kOk;  // kOk, or why the signature is a permerror
  std::string detail;
  DkimSignature sig;  // filled as far as parsing got (d=, s=, a= for reporting)
};

// `accept_draft_versions`: also accept signatures from pre-RFC 4871 drafts, which have no v= or
// v=0.5 (RFC 6376 6.1.1 allows verifying older versions; RFC mode rejects them as tag-syntax).
DkimSignatureParse ParseDkimSignature(const HeaderField& field, bool accept_draft_versions = false);

// Decodes dkim-quoted-printable (RFC 6376 2.11): FWS is dropped and =XX is a hex-encoded byte.
std::optional<std::string> DecodeDkimQuotedPrintable(std::string_view value);

// True when `sub` equals `domain` or is a subdomain of it (both lower-case).
bool IsSameOrSubdomain(std::string_view sub, std::string_view domain);

}  // namespace mv
