#include "recovery/rsa_signature_sample.h"

#include "dkim/body_hasher.h"
#include "dkim/dkim_signature.h"
#include "dkim/header_hash.h"
#include "dns/dns_types.h"

namespace mv {
namespace {

// The Message-ID for a comment line: folding and control bytes become single spaces.
std::string CleanMessageId(const HeaderIndex& index) {
  const HeaderField* f = index.First("Message-ID");
  if (f == nullptr) return {};
  std::string out;
  bool space = false;
  for (char c : f->value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string DkimKeyName(std::string_view selector, std::string_view domain) {
  if (selector.empty() || domain.empty()) return {};
  return NormalizeDnsName(std::string(selector) + "._domainkey." + std::string(domain));
}

void ExtractRsaSamples(const HeaderIndex& index, const Provenance& provenance,
                       const std::function<bool(const std::string& key_name)>& want,
                       std::vector<RsaSignatureSample>* out) {
  size_t ordinal = 0;
  std::string message_id;
  bool have_message_id = false;
  for (const HeaderField& field : index.fields()) {
    if (!EqualsIgnoreCase(field.name, "DKIM-Signature")) continue;
    const size_t this_field = ordinal++;
    DkimSignatureParse parse = ParseDkimSignature(field);
    if (parse.reason != DkimReason::kOk) continue;
    const DkimSignature& sig = parse.sig;
    if (AlgorithmKeyType(sig.algorithm) != DkimKeyType::kRsa) continue;
    std::string name = DkimKeyName(sig.s, sig.domain);
    if (name.empty() || !want(name)) continue;
    if (!have_message_id) {
      message_id = CleanMessageId(index);
      have_message_id = true;
    }
    RsaSignatureSample sample;
    sample.key_name = std::move(name);
    sample.hash = sig.hash();
    sample.signature = sig.signature;
    // The same two calls DkimVerifier makes, so EM is built from exactly what it would check.
    const std::vector<const HeaderField*> signed_fields =
        SelectSignedFields(index, sig.signed_names);
    sample.digest = ComputeHeaderHash(sig.canon.header, sig.hash(), signed_fields, sig.without_b);
    const BodyHash body = ComputeBodyHash(sig.canon.body, sig.hash(), sig.length, index.body());
    sample.body_hash_ok =
        body.digest == sig.body_hash && (!sig.length || *sig.length <= body.canonical_length);
    sample.source = provenance.source;
    sample.index = provenance.index;
    sample.field = this_field;
    sample.message_id = message_id;
    out->push_back(std::move(sample));
  }
}

}  // namespace mv
