// The header half of a DKIM (or ARC) signature check, RFC 6376 3.7 and 5.4.2: which fields h=
// selects, the signature field with its b= value emptied, and the canonical hash input built from
// them. None of it depends on the field being called DKIM-Signature, so ARC-Message-Signature and
// ARC-Seal use it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/digest.h"
#include "message/header_index.h"
#include "util/status.h"

namespace mv {

// Splits an h= value on ":" and trims FWS around each name. An empty name is an error.
Result<std::vector<std::string_view>> ParseHeaderNameList(std::string_view h_value);

// For each name in `names`, the field it signs: repeated names take instances from the bottom of
// the header up (RFC 6376 5.4.2); a name with no instance left yields nullptr, which hashes as
// nothing.
std::vector<const HeaderField*> SelectSignedFields(const HeaderIndex& index,
                                                   std::span<const std::string_view> names);

// The signature field's raw text with the value of its b= tag removed: every byte between "=" and
// the next ";" (or the end) is dropped, everything else stays byte-exact. `b_raw_value` must be the
// tag's raw_value, a view into `raw_field`.
std::string RemoveSignatureValue(std::string_view raw_field, std::string_view b_raw_value);

// Appends the header hash input: each selected field canonicalized and followed by CRLF (null
// entries add nothing), then the canonicalized signature field without a trailing CRLF.
void AppendHeaderHashInput(Canon canon, std::span<const HeaderField* const> fields,
                           std::string_view signature_without_b, std::string* out);

// Hash of that input; reuses a per-thread buffer so the call does not allocate in steady state.
std::string ComputeHeaderHash(Canon canon, DkimHash hash,
                              std::span<const HeaderField* const> fields,
                              std::string_view signature_without_b);

}  // namespace mv
