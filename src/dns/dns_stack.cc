#include "dns/dns_stack.h"

#include "dns/key_archive.h"
#include "dns/layered_resolver.h"
#include "dns/memory_source.h"
#include "dns/recording_resolver.h"
#include "dns/zone_loader.h"

namespace mv {
namespace {

class BuiltDnsStack : public DnsStack {
 public:
  DnsResolver& resolver() override { return *top_; }

  DnsStats stats() const override {
    DnsStats s = cache_->stats();
    if (live_) {
      const LiveDnsStats live = live_->stats();
      s.network_queries = live.queries;
      s.network_kinds = FormatWireQueries(live);
    }
    return s;
  }

  Status Flush() override { return recorder_ ? recorder_->Flush() : Status::Ok(); }

  std::string description() const override { return description_; }

  std::vector<const MemoryDnsSource*> memory_sources() const override {
    std::vector<const MemoryDnsSource*> out;
    if (keys_) out.push_back(keys_.get());
    if (zone_) out.push_back(zone_.get());
    return out;
  }

  Status Build(const DnsOptions& options) {
    DnsResolver* source = nullptr;
    if (!options.zone_files.empty()) {
      zone_ = std::make_unique<MemoryDnsSource>("zone");
      for (const std::string& file : options.zone_files) {
        Status st = LoadZoneFile(file, zone_.get());
        if (!st.ok()) return st;
      }
      source = zone_.get();
      description_ = "zone";
    } else {
      Result<std::unique_ptr<LiveDnsSource>> live = LiveDnsSource::Create(options.live);
      if (!live.ok()) return live.status();
      live_ = std::move(*live);
      source = live_.get();
      description_ = "dns";
    }
    if (!options.keys_file.empty()) {
      keys_ = std::make_unique<MemoryDnsSource>("keys");
      Status st = IsKeyArchivePath(options.keys_file)
                      ? LoadKeyArchive(options.keys_file, keys_.get())
                      : LoadZoneFile(options.keys_file, keys_.get());
      if (!st.ok()) return st;
      layered_ = std::make_unique<LayeredResolver>(keys_.get(), source);
      source = layered_.get();
      description_ = "keys+" + description_;
    }
    cache_ = std::make_unique<DnsCache>(source, options.cache);
    top_ = cache_.get();
    if (!options.record_file.empty()) {
      recorder_ = std::make_unique<RecordingResolver>(cache_.get(), options.record_file);
      top_ = recorder_.get();
    }
    return Status::Ok();
  }

 private:
  // Declared in construction order, destroyed in reverse: users before what they use.
  std::unique_ptr<MemoryDnsSource> zone_;
  std::unique_ptr<LiveDnsSource> live_;
  std::unique_ptr<MemoryDnsSource> keys_;
  std::unique_ptr<LayeredResolver> layered_;
  std::unique_ptr<DnsCache> cache_;
  std::unique_ptr<RecordingResolver> recorder_;
  DnsResolver* top_ = nullptr;
  std::string description_;
};

}  // namespace

Result<std::unique_ptr<DnsStack>> BuildDnsStack(const DnsOptions& options) {
  auto stack = std::make_unique<BuiltDnsStack>();
  Status st = stack->Build(options);
  if (!st.ok()) return st;
  return std::unique_ptr<DnsStack>(std::move(stack));
}

}  // namespace mv
