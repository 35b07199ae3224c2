#include "dns/layered_resolver.h"

namespace mv {

DnsAnswer LayeredResolver::Lookup(std::string_view name, DnsType type) {
  DnsAnswer answer = first_->Lookup(name, type);
  if (answer.ok()) return answer;
  return next_->Lookup(name, type);
}

void LayeredResolver::Prefetch(std::span<const DnsQuestion> questions) {
  std::vector<DnsQuestion> rest;
  for (const DnsQuestion& q : questions) {
    if (!first_->Lookup(q.name, q.type).ok()) rest.push_back(q);
  }
  if (!rest.empty()) next_->Prefetch(rest);
}

std::vector<DnsAnswer> LayeredResolver::LookupMany(std::span<const DnsQuestion> questions) {
  std::vector<DnsAnswer> answers = first_->LookupMany(questions);
  std::vector<DnsQuestion> rest;
  std::vector<size_t> where;
  for (size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i].ok()) {
      rest.push_back(questions[i]);
      where.push_back(i);
    }
  }
  if (rest.empty()) return answers;
  std::vector<DnsAnswer> more = next_->LookupMany(rest);
  for (size_t i = 0; i < more.size() && i < where.size(); ++i)
    answers[where[i]] = std::move(more[i]);
  return answers;
}

}  // namespace mv
