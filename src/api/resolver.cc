// The public resolver factories: each fills the DnsOptions a `scan` command line would and builds
// the same DnsStack, so an embedding program gets the answers the command would.
#include <utility>

#include "api/resolver_impl.h"
#include "mailverify/resolver.h"

namespace mv {
namespace {

std::unique_ptr<Resolver::Impl> OpenStack(const DnsOptions& options, std::string* error) {
  Result<std::unique_ptr<DnsStack>> stack = BuildDnsStack(options);
  if (!stack.ok()) {
    if (error != nullptr) *error = stack.error();
    return nullptr;
  }
  auto impl = std::make_unique<Resolver::Impl>();
  impl->stack = std::move(*stack);
  return impl;
}

}  // namespace

Resolver::Resolver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Resolver::~Resolver() = default;

std::string Resolver::description() const {
  return impl_->stack->description();
}

std::shared_ptr<Resolver> Resolver::ZoneSnapshot(const std::vector<std::string>& zone_files,
                                                 std::string* error) {
  if (zone_files.empty()) {
    if (error != nullptr) *error = "ZoneSnapshot needs at least one zone file";
    return nullptr;
  }
  DnsOptions options;
  options.zone_files = zone_files;
  std::unique_ptr<Impl> impl = OpenStack(options, error);
  return impl ? std::shared_ptr<Resolver>(new Resolver(std::move(impl))) : nullptr;
}

std::shared_ptr<Resolver> Resolver::LiveDns(const std::vector<std::string>& servers, int timeout_ms,
                                            std::string* error) {
  DnsOptions options;
  options.live.servers = servers;
  options.live.timeout_ms = timeout_ms;
  std::unique_ptr<Impl> impl = OpenStack(options, error);
  return impl ? std::shared_ptr<Resolver>(new Resolver(std::move(impl))) : nullptr;
}

std::shared_ptr<Resolver> Resolver::KeysFile(const std::string& keys_file,
                                             const std::vector<std::string>& zone_files,
                                             std::string* error) {
  if (keys_file.empty()) {
    if (error != nullptr) *error = "KeysFile needs a keys file";
    return nullptr;
  }
  DnsOptions options;
  options.keys_file = keys_file;
  options.zone_files = zone_files;
  std::unique_ptr<Impl> impl = OpenStack(options, error);
  return impl ? std::shared_ptr<Resolver>(new Resolver(std::move(impl))) : nullptr;
}

}  // namespace mv
