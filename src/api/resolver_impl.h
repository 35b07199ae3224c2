// Resolver::Impl: what the public mv::Resolver hides — the DnsStack a scan builds from its DNS
// options — so that Verifier can reach the stack without the public header naming it.
#pragma once

#include <memory>

#include "dns/dns_stack.h"
#include "mailverify/resolver.h"

namespace mv {

struct Resolver::Impl {
  std::unique_ptr<DnsStack> stack;
};

}  // namespace mv
