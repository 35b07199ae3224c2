// mv::Verifier: the public facade over the checks `mailverify scan` runs on each message (the
// message hash, AuthCheck with key trust, BounceCheck, in the scan's order). The record is built by
// the same code as the scan's, and the typed verdicts are read back from that record, so the two
// can never disagree.
#include "mailverify/verifier.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <utility>

#include "api/resolver_impl.h"
#include "api/result_fields.h"
#include "audit/bounce_check.h"
#include "evidence/message_hash_check.h"
#include "keytrust/compromised_keys.h"
#include "keytrust/key_trust.h"
#include "report/json_lines.h"
#include "verify/auth_check.h"

namespace mv {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// The shipped list of published private keys: next to the running program's prefix, or the
// source tree's copy (as the command finds it), else where this library was configured to be
// installed, else where the Debian package or a default `cmake --install` puts it.
std::string ShippedCompromisedKeys() {
  std::error_code ec;
  for (const std::string& path :
       {DefaultCompromisedKeysFile(), std::string(MV_INSTALL_DATA_DIR "/compromised-keys.txt"),
        std::string("/usr/share/mailverify/compromised-keys.txt"),
        std::string("/usr/local/share/mailverify/compromised-keys.txt")}) {
    if (std::filesystem::exists(path, ec)) return path;
  }
  return "";
}

AuthCheckOptions MakeCheckOptions(const VerifierOptions& options) {
  AuthCheckOptions check;
  check.time_mode = options.at_received ? VerifyTimeMode::kReceived : VerifyTimeMode::kFixed;
  check.fixed_time = options.at ? *options.at : static_cast<int64_t>(std::time(nullptr));
  switch (options.dmarc_rules) {
    case DmarcRuleSet::kAuto:
      check.dmarc_rules = DmarcRulesChoice::kAuto;
      break;
    case DmarcRuleSet::kRfc7489:
      check.dmarc_rules = DmarcRulesChoice::kRfc7489;
      break;
    case DmarcRuleSet::kRfc9989:
      check.dmarc_rules = DmarcRulesChoice::kRfc9989;
      break;
  }
  check.dkim.strict = options.strict;
  check.authserv_id = options.authserv_id.empty() ? HostName() : options.authserv_id;
  check.spf.envelope.receivers = options.receivers;
  check.spf.envelope.authserv_id = check.authserv_id;
  check.spf.evaluator.receiver = check.authserv_id;
  return check;
}

bool IsKeyName(const std::string& name) {
  return name.find("._domainkey.") != std::string::npos;
}

}  // namespace

struct Verifier::Impl {
  std::shared_ptr<Resolver> resolver;  // keeps the DNS stack alive as long as the checks
  KeyTrust key_trust;
  bool message_hash = true;
  MessageHashCheck hash;
  std::unique_ptr<AuthCheck> auth;
  BounceCheck bounce;
};

Verifier::Verifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Verifier::~Verifier() = default;

std::unique_ptr<Verifier> Verifier::Create(std::shared_ptr<Resolver> resolver,
                                           VerifierOptions options, std::string* error) {
  auto fail = [error](std::string why) -> std::unique_ptr<Verifier> {
    if (error != nullptr) *error = std::move(why);
    return nullptr;
  };
  if (resolver == nullptr) return fail("Verifier::Create needs a resolver");
  auto impl = std::make_unique<Impl>();
  impl->message_hash = options.message_hash;
  DnsStack& stack = *resolver->impl_->stack;
  AuthCheckOptions check = MakeCheckOptions(options);
  if (options.key_trust) {
    // As the scan sets it up: the lists, then every key record of the in-memory sources, then
    // batch GCD over them once.
    std::vector<std::string> lists = options.compromised_keys_files;
    if (std::string shipped = ShippedCompromisedKeys(); !shipped.empty()) {
      lists.insert(lists.begin(), shipped);
    }
    for (const std::string& list : lists) {
      if (Status st = impl->key_trust.LoadCompromisedKeys(list); !st.ok()) {
        return fail(st.message());
      }
    }
    for (const MemoryDnsSource* source : stack.memory_sources()) {
      for (const auto& [key, record] : source->records()) {
        if (key.second == DnsType::kTxt && IsKeyName(key.first)) {
          impl->key_trust.AddRecord(key.first, record.JoinedTxt());
        }
      }
    }
    impl->key_trust.Prepare();
    check.key_trust = &impl->key_trust;
  }
  impl->auth = std::make_unique<AuthCheck>(&stack.resolver(), std::move(check));
  impl->resolver = std::move(resolver);
  return std::unique_ptr<Verifier>(new Verifier(std::move(impl)));
}

VerifyResult Verifier::Verify(std::string_view message, std::string_view source) const {
  ParsedMessage msg;
  msg.raw.bytes = message;  // the caller's bytes outlive this call; nothing needs to own them
  msg.raw.provenance.source = std::string(source);
  msg.raw.provenance.size = message.size();
  msg.headers = HeaderIndex::Build(message);
  MessageRecord record;
  FillBasicFields(msg.raw, msg.headers, &record);
  if (impl_->message_hash) impl_->hash.Run(msg, &record);
  impl_->auth->Run(msg, &record);
  impl_->bounce.Run(msg, &record);
  return ResultFromRecord(record);
}

}  // namespace mv
