// DnsResolver: the one interface through which every protocol module asks DNS questions. There are
// several sources behind it (live c-ares, zone-file snapshot, recorder, historical keys) so that
// any run can be replayed offline with identical answers. Implementations are thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "dns/dns_types.h"

namespace mv {

class DnsResolver {
 public:
  virtual ~DnsResolver() = default;

  // Answers one question, blocking until the answer (or a timeout) arrives. CNAMEs are followed.
  virtual DnsAnswer Lookup(std::string_view name, DnsType type) = 0;

  // The same answer, shared instead of copied: the cache hands out the answer it holds, so the
  // hot callers (a key, an SPF or DMARC record per message) do not copy records and strings on
  // every hit. The default wraps Lookup.
  virtual std::shared_ptr<const DnsAnswer> LookupShared(std::string_view name, DnsType type) {
    return std::make_shared<const DnsAnswer>(Lookup(name, type));
  }

  // Starts resolving a batch of questions concurrently so that later Lookup calls for them are
  // cache hits. Sources that answer from memory need not do anything. Returns when the batch is
  // resolved.
  virtual void Prefetch(std::span<const DnsQuestion> questions) { (void)questions; }

  // Answers a batch, answer i for question i. Sources that can have many queries in flight (the
  // live source) override it; the default asks one question after the other. The cache uses it to
  // fill itself from a Prefetch batch.
  virtual std::vector<DnsAnswer> LookupMany(std::span<const DnsQuestion> questions) {
    std::vector<DnsAnswer> answers;
    answers.reserve(questions.size());
    for (const DnsQuestion& q : questions) answers.push_back(Lookup(q.name, q.type));
    return answers;
  }

  // The asynchronous side, so that a message waiting for DNS holds no thread (the pipeline
  // suspends its task and the answers resume it).
  //
  // The answer if it is at hand without waiting (a fresh cache entry, a held domain, an in-memory
  // source), else null. Never sends a query and counts as no lookup: the pipeline uses it to find
  // the questions a message still needs before it is verified.
  virtual std::shared_ptr<const DnsAnswer> Peek(std::string_view name, DnsType type) {
    (void)name;
    (void)type;
    return nullptr;
  }

  // Prefetch without waiting: `done` runs once every question can be answered without waiting,
  // on whichever thread completed the last one (possibly this one, before the call returns). The
  // default resolves in the calling thread.
  virtual void PrefetchAsync(std::span<const DnsQuestion> questions, std::function<void()> done) {
    Prefetch(questions);
    done();
  }

  // Questions asked of this resolver that wait for a place in its window of queries in flight
  // (live DNS); 0 for one that answers without a network. The pipeline reads no further ahead
  // while there are any: a new batch's questions would queue ahead of the follow-up rounds of the
  // batches before it, which then finish late (bench/README.md, session 7).
  virtual size_t QueuedQuestions() const { return 0; }

  // LookupMany without waiting: `done` receives answer i for question i, on any thread. Sources
  // with queries in flight on an event loop (live DNS) override it; the default answers here.
  virtual void LookupManyAsync(std::vector<DnsQuestion> questions,
                               std::function<void(std::vector<DnsAnswer>)> done) {
    done(LookupMany(questions));
  }
};

}  // namespace mv
