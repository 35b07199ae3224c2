#include "dmarc/dmarc_rules.h"

#include <string>

namespace mv {

std::string_view DmarcRulesName(DmarcRules rules) {
  return rules == DmarcRules::kRfc9989 ? "rfc9989" : "rfc7489";
}

DmarcRules SelectDmarcRules(DmarcRulesChoice choice, int64_t verify_time) {
  switch (choice) {
    case DmarcRulesChoice::kRfc7489:
      return DmarcRules::kRfc7489;
    case DmarcRulesChoice::kRfc9989:
      return DmarcRules::kRfc9989;
    case DmarcRulesChoice::kAuto:
      break;
  }
  return verify_time >= kRfc9989PublishedAt ? DmarcRules::kRfc9989 : DmarcRules::kRfc7489;
}

Result<DmarcRulesChoice> ParseDmarcRulesChoice(std::string_view value) {
  if (value == "auto") return DmarcRulesChoice::kAuto;
  if (value == "rfc9989") return DmarcRulesChoice::kRfc9989;
  if (value == "rfc7489") return DmarcRulesChoice::kRfc7489;
  return Status::Error("--dmarc-rules wants auto, rfc9989 or rfc7489, not '" + std::string(value) +
                       "'");
}

const char* DmarcRulesChoiceName(DmarcRulesChoice choice) {
  switch (choice) {
    case DmarcRulesChoice::kRfc7489:
      return "rfc7489";
    case DmarcRulesChoice::kRfc9989:
      return "rfc9989";
    case DmarcRulesChoice::kAuto:
      break;
  }
  return "auto";
}

}  // namespace mv
