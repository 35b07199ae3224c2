// Runs the whole OpenSPF RFC 7208 suite (tests/conformance/spf/openspf-pyspf/rfc7208-tests.yml)
// against SpfEvaluator, loading each scenario's zone into a MemoryDnsSource the way the suite's
// reference driver (pyspf test/testspf.py) serves it (openspf_yaml.h).
#include "openspf_yaml.h"

namespace mv {
namespace {

TEST(OpenSpfRfc7208Suite, EveryTestPasses) {
  const std::string path =
      std::string(MV_TEST_DATA) + "/conformance/spf/openspf-pyspf/rfc7208-tests.yml";
  ASSERT_EQ(YAML::LoadAllFromFile(path).size(), 16u);
  // No test is skipped.
  const openspf::SuiteCounts counts = openspf::RunSuiteFile(path);
  std::printf("OpenSPF rfc7208-tests.yml: %d of %d tests passed, 0 skipped\n", counts.passed,
              counts.total);
  EXPECT_EQ(counts.total, 203);
  EXPECT_EQ(counts.passed, counts.total);
}

}  // namespace
}  // namespace mv
