// Shared set-up of the key recovery tests: builds a signed test archive with
// make_recovery_archive.py (keys from `openssl genpkey`, signatures by dkimpy), loads its DNS zone
// (which lacks the key records) and reads back the original key records to compare with.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "dns/memory_source.h"
#include "dns/zone_loader.h"
#include "recovery/key_recovery.h"
#include "recovery/rsa_key_record.h"

namespace mv::recoverytest {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct TestArchive {
  std::string dir;
  std::string mbox;
  std::string zone;
  // (key name, record) per key of the spec, in spec order.
  std::vector<std::pair<std::string, std::string>> originals;
};

// Runs the generator with `spec_json` into a fresh directory named after `name`.
inline TestArchive MakeArchive(const std::string& name, const std::string& spec_json) {
  TestArchive a;
  a.dir = std::string(MV_BINARY_DIR) + "/recovery-" + name;
  std::filesystem::remove_all(a.dir);
  const std::string cmd = "/usr/bin/python3 " + std::string(MV_TEST_DATA) +
                          "/recovery/make_recovery_archive.py " + a.dir + " '" + spec_json + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  a.mbox = a.dir + "/archive.mbox";
  a.zone = a.dir + "/dns.zone";
  std::istringstream in(ReadFile(a.dir + "/original.keys"));
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab != std::string::npos)
      a.originals.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return a;
}

inline std::string ModulusOf(const std::string& record) {
  Result<RsaPublicNumbers> n = RsaNumbersOfRecord(record);
  EXPECT_TRUE(n.ok()) << n.error();
  return n.ok() ? n->modulus : std::string();
}

// Recovers keys from the archive with its zone as DNS.
inline KeyRecoveryReport Recover(const TestArchive& a, KeyRecoveryOptions options = {}) {
  MemoryDnsSource dns;
  Status st = LoadZoneFile(a.zone, &dns);
  EXPECT_TRUE(st.ok()) << st.message();
  options.inputs = {a.mbox};
  if (options.threads == 0) options.threads = 1;
  Result<KeyRecoveryReport> report = RecoverKeys(options, &dns);
  EXPECT_TRUE(report.ok()) << report.error();
  return report.ok() ? std::move(*report) : KeyRecoveryReport{};
}

}  // namespace mv::recoverytest
