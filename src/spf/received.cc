#include "spf/received.h"

#include <array>
#include <span>
#include <vector>

#include "message/header_index.h"

namespace mv {
namespace {

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The bytes that end a word of the field: white space, '(' and ';'. One table load per byte
// instead of six comparisons: the tokenizer runs over every byte of every Received field.
constexpr std::array<bool, 256> kWordEnd = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {' ', '\t', '\r', '\n', '(', ';'}) t[c] = true;
  return t;
}();

bool EndsWord(char c) {
  return kWordEnd[static_cast<unsigned char>(c)];
}

// The bytes a comment scan must look at: its parentheses and the quoted-pair backslash.
constexpr std::array<bool, 256> kCommentStop = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {'(', ')', '\\'}) t[c] = true;
  return t;
}();

struct Token {
  enum Kind { kWord, kComment } kind;
  std::string_view text;  // a comment without its outer parentheses
};

// Splits the field into words and comments up to the ';' that starts the date, one token at a time:
// the parser stops asking once it has what it reads (the rest of a trace field is often longer).
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view v) : v_(v) {}

  // Appends the next token to *out; false at the end of the field or at the ';'.
  bool Next(std::vector<Token>* out) {
    const std::string_view v = v_;
    while (i_ < v.size()) {
      const char c = v[i_];
      if (IsSpace(c)) {
        ++i_;
      } else if (c == ';') {
        i_ = v.size();
        return false;
      } else if (c == '(') {
        int depth = 0;
        size_t j = i_;
        for (; j < v.size(); ++j) {
          while (j < v.size() && !kCommentStop[static_cast<unsigned char>(v[j])]) ++j;
          if (j == v.size()) break;
          if (v[j] == '\\') {
            ++j;
          } else if (v[j] == '(') {
            ++depth;
          } else if (v[j] == ')' && --depth == 0) {
            break;
          }
        }
        const size_t end = j < v.size() ? j : v.size();
        out->push_back({Token::kComment, v.substr(i_ + 1, end - i_ - 1)});
        i_ = end + 1;
        return true;
      } else if (c == '[') {
        size_t j = v.find(']', i_);
        j = j == std::string_view::npos ? v.size() : j + 1;
        while (j < v.size() && !EndsWord(v[j])) ++j;  // "]:port"
        out->push_back({Token::kWord, v.substr(i_, j - i_)});
        i_ = j;
        return true;
      } else {
        size_t j = i_ + 1;
        while (j < v.size() && !EndsWord(v[j])) ++j;
        out->push_back({Token::kWord, v.substr(i_, j - i_)});
        i_ = j;
        return true;
      }
    }
    return false;
  }

 private:
  std::string_view v_;
  size_t i_ = 0;
};

// The address in "[192.0.2.1]", "[IPv6:2001:db8::1]", "[192.0.2.1]:25", "192.0.2.1",
// "2603:10b6::25" or "user@192.0.2.1".
std::optional<IpAddress> AddressIn(std::string_view s) {
  while (!s.empty() && (s.front() == '(' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ')' || s.back() == ',' || s.back() == '"')) s.remove_suffix(1);
  size_t at = s.rfind('@');
  if (at != std::string_view::npos) s.remove_prefix(at + 1);
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    s = s.substr(1, close - 1);
  }
  if (s.size() > 5 && EqualsIgnoreCase(s.substr(0, 5), "IPv6:")) s.remove_prefix(5);
  return IpAddress::Parse(s);
}

// The white-space separated words of `s`, into *out (cleared first, so one vector serves a field).
void Words(std::string_view s, std::vector<std::string_view>* out) {
  out->clear();
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    size_t j = i;
    while (j < s.size() && !IsSpace(s[j])) ++j;
    if (j > i) out->push_back(s.substr(i, j - i));
    i = j;
  }
}

std::string CleanName(std::string_view s) {
  while (!s.empty() && (s.front() == '(' || s.front() == '<')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ')' || s.back() == '>' || s.back() == ',')) s.remove_suffix(1);
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return std::string(s);
}

bool IsUnknown(std::string_view s) {
  return s.empty() || EqualsIgnoreCase(s, "unknown");
}

// `clause`: the word after "from" and the tokens that follow it up to the next clause.
void ReadFromClause(std::span<const Token> clause, ReceivedHop* hop) {
  bool helo_from_comment = false;
  std::string rdns_beside_ip;
  thread_local std::vector<std::string_view> words;
  for (size_t k = 1; k < clause.size(); ++k) {
    Words(clause[k].text, &words);
    for (size_t w = 0; w < words.size(); ++w) {
      std::string_view word = words[w];
      if (word.size() > 5 && EqualsIgnoreCase(word.substr(0, 5), "helo=")) {
        hop->helo = CleanName(word.substr(5));
        helo_from_comment = true;
        continue;
      }
      if ((EqualsIgnoreCase(word, "HELO") || EqualsIgnoreCase(word, "EHLO")) &&
          w + 1 < words.size()) {
        hop->helo = CleanName(words[++w]);
        helo_from_comment = true;
        continue;
      }
      if (hop->ip) continue;
      if (std::optional<IpAddress> ip = AddressIn(word)) {
        hop->ip = ip;
        if (w > 0 && word.front() == '[') {
          std::string_view name = words[w - 1];
          const size_t at = name.rfind('@');  // Sendmail: "ident@host [ip]"
          if (at != std::string_view::npos) name.remove_prefix(at + 1);
          rdns_beside_ip = CleanName(name);
        }
      }
    }
  }
  if (!hop->ip) hop->ip = AddressIn(hop->from_name);
  const bool from_is_literal = !hop->from_name.empty() && hop->from_name.front() == '[';
  if (helo_from_comment) {
    // Exim and qmail: the word after "from" is the reverse-DNS name (or "unknown", or the literal).
    if (!from_is_literal && !IsUnknown(hop->from_name)) hop->rdns = CleanName(hop->from_name);
  } else {
    // Postfix, Sendmail, Gmail, Exchange: the word after "from" is the HELO name; Exim writes its
    // verified host name there when it equals the HELO name.
    hop->helo = CleanName(hop->from_name);
    if (!IsUnknown(rdns_beside_ip)) hop->rdns = rdns_beside_ip;
  }
}

enum class Keyword { kNone, kFrom, kBy, kWith, kId, kFor, kVia };

// The clause keyword `w` is, if any; most words are not, and their length alone says so.
Keyword KeywordOf(std::string_view w) {
  switch (w.size()) {
    case 2:
      if (EqualsIgnoreCase(w, "by")) return Keyword::kBy;
      if (EqualsIgnoreCase(w, "id")) return Keyword::kId;
      break;
    case 3:
      if (EqualsIgnoreCase(w, "for")) return Keyword::kFor;
      if (EqualsIgnoreCase(w, "via")) return Keyword::kVia;
      break;
    case 4:
      if (EqualsIgnoreCase(w, "from")) return Keyword::kFrom;
      if (EqualsIgnoreCase(w, "with")) return Keyword::kWith;
      break;
    default:
      break;
  }
  return Keyword::kNone;
}

}  // namespace

bool HostMatchesGlob(std::string_view pattern, std::string_view host) {
  size_t p = 0, h = 0, star = std::string_view::npos, mark = 0;
  while (h < host.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || Lower(pattern[p]) == Lower(host[h]))) {
      ++p;
      ++h;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = h;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      h = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool ParseReceived(std::string_view value, ReceivedHop* hop) {
  *hop = ReceivedHop();
  // Reused by every field this thread parses: a message has several and a scan millions.
  thread_local std::vector<Token> tokens;
  tokens.clear();
  Tokenizer tokenizer(value);
  auto have = [&](size_t k) {  // whether token k exists, reading up to it
    while (tokens.size() <= k) {
      if (!tokenizer.Next(&tokens)) return false;
    }
    return true;
  };
  enum Clause { kNone, kFrom, kBy, kOther };
  Clause current = kNone;
  // The from-clause is a run of tokens: it starts with the word after "from" and ends where
  // another clause starts (there is only one from-clause, so it never resumes).
  size_t from_begin = 0, from_end = 0;
  bool has_by = false;
  for (size_t i = 0; have(i); ++i) {
    // With the by-clause and the protocol read, the from-clause is over (it never follows "by")
    // and nothing further is read: the rest need not even be split.
    if (has_by && !hop->protocol.empty()) break;
    const Token t = tokens[i];  // a copy: reading ahead may grow the vector
    if (t.kind == Token::kWord) {
      const Keyword k = KeywordOf(t.text);
      const bool next_is_word =
          k != Keyword::kNone && have(i + 1) && tokens[i + 1].kind == Token::kWord;
      if (k == Keyword::kFrom && !hop->has_from && !has_by && next_is_word) {
        current = kFrom;
        hop->has_from = true;
        hop->from_name = std::string(tokens[++i].text);
        from_begin = i;
        from_end = i + 1;
        continue;
      }
      if (k == Keyword::kBy && !has_by && next_is_word) {
        current = kBy;
        has_by = true;
        hop->by = CleanName(tokens[++i].text);
        continue;
      }
      if (k == Keyword::kWith && next_is_word && hop->protocol.empty()) {
        current = kOther;
        hop->protocol = std::string(tokens[++i].text);
        continue;
      }
      if (k == Keyword::kId || k == Keyword::kFor || k == Keyword::kVia) {
        current = kOther;
        continue;
      }
    }
    if (current == kFrom) from_end = i + 1;
  }
  if (hop->has_from) {
    ReadFromClause(std::span<const Token>(tokens).subspan(from_begin, from_end - from_begin), hop);
  }
  return hop->has_from || has_by;
}

}  // namespace mv
