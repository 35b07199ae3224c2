// AuthCheck::AnnotateKeys: what a reader needs to weigh a pass, beyond the crypto verdict: the
// key-trust verdict of every key found (keytrust/key_trust.h), whether a key from an archive was
// used inside the window the archive saw it published, and the log of keys used for
// `keys export`. None of it changes a result.
#include <ctime>

#include "report/mail_date.h"
#include "verify/auth_check.h"

namespace mv {
namespace {

// An archive sees a key only between its first and last observation; the key was usually
// published before and kept after. A signature this far outside the window still counts as inside.
constexpr int64_t kKeyWindowSlack = 30 * 24 * 3600;

// The message's receive time: the date of the topmost Received field (RFC 5321 4.4), else the
// Date field; nullopt when neither parses.
std::optional<int64_t> ReceiveTime(const HeaderIndex& headers) {
  if (const HeaderField* received = headers.First("Received")) {
    const std::string_view value = received->value;
    const size_t semicolon = value.rfind(';');
    if (semicolon != std::string_view::npos) {
      if (std::optional<int64_t> t = ParseMailDate(value.substr(semicolon + 1))) return t;
    }
  }
  if (const HeaderField* date = headers.First("Date")) return ParseMailDate(date->value);
  return std::nullopt;
}

template <class Check>
void Judge(KeyTrust* trust, const std::string& name, Check* check) {
  const KeyTrustVerdict v = trust->Assess(*check->key, name);
  check->key_trust = std::string(KeyTrustName(v.worst));
  for (const KeyTrustFinding& f : v.findings) {
    check->key_trust_detail.push_back(std::string(KeyTrustName(f.kind)) + ": " + f.detail);
  }
}

}  // namespace

void AuthCheck::AnnotateKeys(const HeaderIndex& headers, std::vector<DkimResult>* dkim,
                             ArcResult* arc, MessageRecord* record) const {
  std::optional<int64_t> received;
  bool received_read = false;
  for (DkimResult& r : *dkim) {
    if (r.key == nullptr) continue;
    const std::string name = r.s + "._domainkey." + r.d;
    if (options_.key_trust != nullptr) {
      Judge(options_.key_trust, name, &r);
      if (r.result == DkimResultCode::kPass && r.key_trust != "ok") {
        record->Count("dkim.pass_untrusted_key");
        record->Count("dkim.pass_key_trust." + r.key_trust);
      }
    }
    if (!received_read) {
      received = ReceiveTime(headers);
      received_read = true;
    }
    // The signature's own time when it has one, else when the message arrived.
    const int64_t signed_at = r.t ? static_cast<int64_t>(*r.t) : received.value_or(r.verified_at);
    if (r.key_seen) {
      const bool inside = signed_at + kKeyWindowSlack >= r.key_seen->first_seen &&
                          signed_at - kKeyWindowSlack <= r.key_seen->last_seen;
      r.key_window = inside ? "inside" : "outside";
      if (r.result == DkimResultCode::kPass && !inside)
        record->Count("dkim.pass_key_outside_window");
    }
    if (options_.key_usage != nullptr) {
      options_.key_usage->Note(r.d, r.s, r.key->record, signed_at,
                               r.result == DkimResultCode::kPass);
    }
  }
  if (options_.key_trust == nullptr && options_.key_usage == nullptr) return;
  for (ArcHop& hop : arc->hops) {
    for (ArcSignatureCheck* c : {&hop.seal, &hop.message_signature}) {
      if (c->key == nullptr) continue;
      if (options_.key_trust != nullptr) {
        Judge(options_.key_trust, c->s + "._domainkey." + c->d, c);
        if (c->pass && c->key_trust != "ok") record->Count("arc.pass_untrusted_key");
      }
      if (options_.key_usage != nullptr) {
        // ARC sets carry no t= that the check keeps: the receive time stands for it.
        if (!received_read) {
          received = ReceiveTime(headers);
          received_read = true;
        }
        options_.key_usage->Note(c->d, c->s, c->key->record,
                                 received.value_or(static_cast<int64_t>(std::time(nullptr))),
                                 c->pass);
      }
    }
  }
}

}  // namespace mv
