#include "cli/domains_command.h"

#include <cstdio>
#include <memory>

#include "audit/domain_audit.h"
#include "audit/result_store.h"
#include "audit/store_queries.h"
#include "util/json_writer.h"

namespace mv {

int RunDomains(const Options& options) {
  Result<std::unique_ptr<DnsStack>> dns = BuildDnsStack(options.dns);
  if (!dns.ok()) {
    std::fprintf(stderr, "mailverify: %s\n", dns.error().c_str());
    return 2;
  }
  std::unique_ptr<ResultStore> store;
  if (!options.db_file.empty()) {
    // Opening creates a database; a mistyped path must not silently audit an empty one.
    if (std::FILE* probe = std::fopen(options.db_file.c_str(), "rb")) {
      std::fclose(probe);
    } else {
      std::fprintf(stderr, "mailverify: cannot open %s\n", options.db_file.c_str());
      return 1;
    }
    Result<std::unique_ptr<ResultStore>> opened = ResultStore::Open(options.db_file);
    if (!opened.ok()) {
      std::fprintf(stderr, "mailverify: %s\n", opened.error().c_str());
      return 1;
    }
    store = std::move(*opened);
  }

  // The domains named on the command line, else every sender domain of the database.
  std::vector<DomainSeen> domains;
  if (store) {
    Result<std::vector<DomainSeen>> seen = DomainsSeen(store->db());
    if (!seen.ok()) {
      std::fprintf(stderr, "mailverify: %s\n", seen.error().c_str());
      return 1;
    }
    if (options.inputs.empty()) domains = std::move(*seen);
    for (const std::string& name : options.inputs) {
      DomainSeen d{name, 0, "", ""};
      for (const DomainSeen& s : *seen) {
        if (s.domain == name) d = s;
      }
      domains.push_back(d);
    }
  } else {
    for (const std::string& name : options.inputs) domains.push_back({name, 0, "", ""});
  }

  std::vector<DomainPosture> postures;
  for (const DomainSeen& d : domains) {
    std::vector<SelectorUse> selectors;
    if (store) {
      Result<std::vector<SelectorUse>> seen = SelectorsSeen(store->db(), d.domain);
      if (!seen.ok()) {
        std::fprintf(stderr, "mailverify: %s\n", seen.error().c_str());
        return 1;
      }
      selectors = std::move(*seen);
    }
    DomainPosture p = AuditDomain(d.domain, (*dns)->resolver(), std::move(selectors));
    p.messages = d.messages;
    p.first_date = d.first_date;
    p.last_date = d.last_date;
    postures.push_back(std::move(p));
  }

  std::string out;
  if (options.json) {
    JsonWriter w(&out);
    w.BeginArray();
    for (const DomainPosture& p : postures) WriteDomainPostureJson(p, &w);
    w.EndArray();
    out += "\n";
  } else {
    out = FormatDomainPostures(postures);
  }
  std::FILE* f = options.output.empty() ? stdout : std::fopen(options.output.c_str(), "wb");
  if (f == nullptr || std::fwrite(out.data(), 1, out.size(), f) != out.size() ||
      (f != stdout ? std::fclose(f) : std::fflush(f)) != 0) {
    std::fprintf(stderr, "mailverify: cannot write %s\n",
                 options.output.empty() ? "stdout" : options.output.c_str());
    return 1;
  }
  if (Status flushed = (*dns)->Flush(); !flushed.ok()) {
    std::fprintf(stderr, "mailverify: %s\n", flushed.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace mv
