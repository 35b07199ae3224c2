// Fuzzes DKIM-Signature parsing: tag list, every tag's value rules, base64, h= splitting and the
// b=-emptied copy of the field; also the DKIM quoted-printable decoder (z=, i=).
#include <cstdint>
#include <string>
#include <string_view>

#include "dkim/dkim_signature.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  // The field's value must be a view into its raw text, as HeaderIndex produces it.
  const std::string raw = "DKIM-Signature:" + std::string(value);
  mv::HeaderField field;
  field.name = std::string_view(raw).substr(0, 14);
  field.value = std::string_view(raw).substr(15);
  field.raw = raw;
  const mv::DkimSignatureParse parse = mv::ParseDkimSignature(field, (size & 1) != 0);
  const std::optional<std::string> qp = mv::DecodeDkimQuotedPrintable(value);
  return static_cast<int>(parse.sig.signed_names.size() > size + 1 || (qp && qp->size() > size));
}
