// verify_eml: verifies one message file against a DNS zone snapshot with the mailverify library and
// prints the main verdicts, then the full JSON record. The smallest complete use of the API.
//
//   verify_eml MESSAGE.eml ZONE.zone [UNIX_TIME]
//
// Exit status: 0 when DMARC passes, 1 when it does not, 2 on a usage or setup error.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <mailverify/mailverify.h>

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: verify_eml MESSAGE.eml ZONE.zone [UNIX_TIME]\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "verify_eml: cannot read " << argv[1] << "\n";
    return 2;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();

  std::string error;
  std::shared_ptr<mv::Resolver> dns = mv::Resolver::ZoneSnapshot({argv[2]}, &error);
  if (!dns) {
    std::cerr << "verify_eml: " << error << "\n";
    return 2;
  }
  mv::VerifierOptions options;
  options.authserv_id = "example.test";
  // A fixed verification time makes the output reproducible (signatures expire, keys rotate).
  if (argc == 4) options.at = std::strtoll(argv[3], nullptr, 10);
  std::unique_ptr<mv::Verifier> verifier = mv::Verifier::Create(dns, options, &error);
  if (!verifier) {
    std::cerr << "verify_eml: " << error << "\n";
    return 2;
  }

  const mv::VerifyResult result = verifier->Verify(bytes.str(), argv[1]);
  std::cout << "mailverify " << MAILVERIFY_VERSION_STRING << " (" << dns->description() << ")\n";
  std::cout << "dkim=" << mv::VerdictName(result.dkim) << " spf=" << mv::VerdictName(result.spf)
            << " dmarc=" << mv::VerdictName(result.dmarc) << " arc=" << mv::VerdictName(result.arc)
            << "\n";
  for (const mv::DkimSignatureVerdict& sig : result.dkim_signatures) {
    std::cout << "  signature d=" << sig.domain << " s=" << sig.selector << ": "
              << mv::VerdictName(sig.result) << " (" << sig.reason << ")\n";
  }
  if (!result.error.empty()) std::cout << "error: " << result.error << "\n";
  std::cout << result.json << "\n";
  return result.dmarc == mv::Verdict::kPass ? 0 : 1;
}
