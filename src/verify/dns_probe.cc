#include "verify/dns_probe.h"

#include <string>

#include "spf/spf_record.h"

namespace mv {

void AuthProbe::OnAnswer(std::string_view name, DnsType type, const DnsAnswer& answer) {
  (void)name;
  if (type != DnsType::kTxt || !answer.ok()) return;
  std::string storage;
  for (const DnsRecord& record : answer.records) {
    const std::string_view text = record.JoinedTxtView(&storage);
    if (!IsSpfRecord(text)) continue;
    std::shared_ptr<const ParsedSpfRecord> spf = ParseSpfRecordCached(text);
    if (!spf->parsed.ok()) continue;
    // A domain-spec with a macro depends on the message (sender, address); the evaluation asks
    // for it itself in a later round.
    const auto expect = [this](std::string_view spec) {
      if (!spec.empty() && spec.find('%') == std::string_view::npos) Expect(spec, DnsType::kTxt);
    };
    for (const SpfDirective& d : spf->parsed->directives) {
      if (d.mechanism == SpfMechanism::kInclude) expect(d.domain_spec);
    }
    expect(spf->parsed->redirect);
  }
}

}  // namespace mv
