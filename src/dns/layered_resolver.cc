#include "dns/layered_resolver.h"

#include <memory>

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

void LayeredResolver::LookupManyAsync(std::vector<DnsQuestion> questions,
                                      std::function<void(std::vector<DnsAnswer>)> done) {
  auto answers = std::make_shared<std::vector<DnsAnswer>>(first_->LookupMany(questions));
  std::vector<DnsQuestion> rest;
  auto where = std::make_shared<std::vector<size_t>>();
  for (size_t i = 0; i < answers->size(); ++i) {
    if (!(*answers)[i].ok()) {
      rest.push_back(std::move(questions[i]));
      where->push_back(i);
    }
  }
  if (rest.empty()) {
    done(std::move(*answers));
    return;
  }
  next_->LookupManyAsync(std::move(rest),
                         [answers, where, done = std::move(done)](std::vector<DnsAnswer> more) {
                           for (size_t i = 0; i < more.size() && i < where->size(); ++i) {
                             (*answers)[(*where)[i]] = std::move(more[i]);
                           }
                           done(std::move(*answers));
                         });
}

}  // namespace mv
