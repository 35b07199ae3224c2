// mailverify's decisions on the SPF limits RFC 7208 4.6.4 leaves open (void lookups counted per
// term, the %{p} PTR query counted toward 10, an MX set of more than 10 names), as OpenSPF-style
// cases in tests/spf/cases/limits.yml, run against SpfEvaluator (docs/CONFORMANCE.md explains
// them).
#include "openspf_yaml.h"

namespace mv {
namespace {

TEST(SpfLimitCases, EveryCasePasses) {
  const openspf::SuiteCounts counts =
      openspf::RunSuiteFile(std::string(MV_TEST_DATA) + "/spf/cases/limits.yml");
  std::printf("SPF limit cases: %d of %d passed\n", counts.passed, counts.total);
  EXPECT_EQ(counts.total, 11);
  EXPECT_EQ(counts.passed, counts.total);
}

}  // namespace
}  // namespace mv
