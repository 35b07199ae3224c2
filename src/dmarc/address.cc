#include "dmarc/address.h"

#include <mimetic/rfc822/addresslist.h>

#include <array>
#include <exception>
#include <utility>

#include "message/header_index.h"

namespace mv {
namespace {

enum class TokenKind { kAtom, kQuoted, kLiteral, kSpecial };

// Views into the unfolded value, which outlives the tokens (ParseAddressList keeps it).
struct Token {
  TokenKind kind;
  std::string_view text;  // atom, quoted string or literal with its delimiters, or the special
  bool Is(char c) const { return kind == TokenKind::kSpecial && text.size() == 1 && text[0] == c; }
  bool IsWord() const { return kind == TokenKind::kAtom || kind == TokenKind::kQuoted; }
};

// RFC 5322 atext, plus every byte >= 0x80 (RFC 6532: UTF-8 in header fields). A table: the
// tokenizer asks for each byte of each From value.
constexpr std::array<bool, 256> kAtext = [] {
  std::array<bool, 256> t{};
  for (int c = 0x80; c < 0x100; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (unsigned char c : std::string_view("!#$%&'*+-/=?^_`{|}~")) t[c] = true;
  return t;
}();

bool IsAtext(unsigned char c) {
  return kAtext[c];
}

bool IsControl(unsigned char c) {
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

// Splits the unfolded value into tokens, dropping comments and white space (CFWS), and rebuilds the
// text that mimetic gets from the tokens: mimetic's reader does not understand comments, and it
// misreads white space after '>' ("Joe <a@b.example> " gives local part "Joe<a"), so a space is
// kept only between two words (or dots) of a phrase, where it is part of the display name.
Status Tokenize(std::string_view v, std::vector<Token>* tokens, std::string* cleaned) {
  size_t i = 0;
  auto at = [&](size_t p) { return " at byte " + std::to_string(p); };
  bool spaced = false;  // white space or a comment since the previous token
  auto emit = [&](TokenKind kind, std::string_view text) {
    auto phrase_part = [](const Token& t) {
      return t.kind == TokenKind::kAtom || t.kind == TokenKind::kQuoted || t.Is('.');
    };
    const Token tok{kind, text};
    if (spaced && !tokens->empty() && phrase_part(tokens->back()) && phrase_part(tok)) {
      cleaned->push_back(' ');
    }
    spaced = false;
    cleaned->append(tok.text);
    tokens->push_back(tok);
  };
  while (i < v.size()) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c == ' ' || c == '\t') {
      spaced = true;
      ++i;
    } else if (c == '(') {
      const size_t start = i;
      int depth = 0;
      do {
        if (v[i] == '\\') {
          ++i;
        } else if (v[i] == '(') {
          ++depth;
        } else if (v[i] == ')') {
          --depth;
        }
        ++i;
      } while (i < v.size() && depth > 0);
      if (depth > 0) return Status::Error("unterminated comment" + at(start));
      spaced = true;
    } else if (c == '"' || c == '[') {
      const char close = c == '"' ? '"' : ']';
      const size_t start = i++;
      bool closed = false;
      while (i < v.size()) {
        if (v[i] == '\\' && c == '"') {
          if (i + 1 >= v.size()) break;
          i += 2;
          continue;
        }
        if (c == '[' && (v[i] == '[' || v[i] == '\\')) {
          return Status::Error("invalid character in domain literal" + at(i));
        }
        if (v[i] == close) {
          closed = true;
          ++i;
          break;
        }
        if (IsControl(static_cast<unsigned char>(v[i]))) {
          return Status::Error("control character" + at(i));
        }
        ++i;
      }
      if (!closed) {
        return Status::Error(
            std::string(c == '"' ? "unterminated quoted string" : "unterminated domain literal") +
            at(start));
      }
      emit(c == '"' ? TokenKind::kQuoted : TokenKind::kLiteral, v.substr(start, i - start));
    } else if (IsAtext(c)) {
      const size_t start = i;
      while (i < v.size() && IsAtext(static_cast<unsigned char>(v[i]))) ++i;
      emit(TokenKind::kAtom, v.substr(start, i - start));
    } else if (c == '<' || c == '>' || c == ':' || c == ';' || c == '@' || c == ',' || c == '.') {
      emit(TokenKind::kSpecial, v.substr(i, 1));
      ++i;
    } else if (IsControl(c)) {
      return Status::Error("control character" + at(i));
    } else {
      return Status::Error(std::string("unexpected '") + static_cast<char>(c) + "'" + at(i));
    }
  }
  return Status::Ok();
}

// Recursive descent over the tokens for RFC 5322 3.4 address-list (with obs-addr-list, obs-phrase,
// obs-local-part, obs-domain and obs-route). It only validates and records each mailbox's domain;
// the fields returned to callers are mimetic's.
class AddressGrammar {
 public:
  explicit AddressGrammar(const std::vector<Token>& t) : t_(t) {}

  Status Parse(std::vector<std::string>* domains) {
    domains_ = domains;
    while (pos_ < t_.size()) {
      if (Peek(',')) {  // obs-addr-list: empty elements are allowed and ignored
        ++pos_;
        continue;
      }
      Status s = Address();
      if (!s.ok()) return s;
      if (pos_ < t_.size() && !Peek(',')) return Unexpected("after an address");
    }
    return Status::Ok();
  }

 private:
  bool Peek(char c) const { return pos_ < t_.size() && t_[pos_].Is(c); }
  Status Unexpected(const std::string& where) const {
    if (pos_ >= t_.size()) return Status::Error("address list ends too early " + where);
    return Status::Error("unexpected '" + std::string(t_[pos_].text) + "' " + where);
  }

  // The first of '@', '<' or ':' (outside quotes) decides the production.
  char Lookahead() const {
    for (size_t i = pos_; i < t_.size(); ++i) {
      const Token& tok = t_[i];
      if (tok.Is('@') || tok.Is('<') || tok.Is(':')) return tok.text[0];
      if (tok.Is(',') || tok.Is(';') || tok.Is('>')) break;
    }
    return 0;
  }

  Status Address() {
    switch (Lookahead()) {
      case ':':
        return Group();
      case '@':
      case '<':
        return Mailbox();
      default:
        return Status::Error("address without '@' near '" + std::string(t_[pos_].text) + "'");
    }
  }

  Status Mailbox() {
    const char next = Lookahead();
    if (next == '@') return AddrSpec();
    if (next != '<') {
      return next == ':'
                 ? Status::Error("group inside a group")
                 : Status::Error("mailbox without '@' near '" + std::string(t_[pos_].text) + "'");
    }
    Status s = Phrase(/*required=*/false);
    if (!s.ok()) return s;
    ++pos_;  // '<'
    if (Peek('>')) return Status::Error("empty angle address <>");
    if (Peek('@') || Peek(',')) {
      s = ObsRoute();
      if (!s.ok()) return s;
    }
    s = AddrSpec();
    if (!s.ok()) return s;
    if (!Peek('>')) return Unexpected("where '>' should close the address");
    ++pos_;
    return Status::Ok();
  }

  Status Group() {
    Status s = Phrase(/*required=*/true);
    if (!s.ok()) return s;
    if (!Peek(':')) return Unexpected("where ':' should start a group");
    ++pos_;
    while (pos_ < t_.size() && !Peek(';')) {
      if (Peek(',')) {
        ++pos_;
        continue;
      }
      s = Mailbox();
      if (!s.ok()) return s;
      if (!Peek(',') && !Peek(';')) return Unexpected("inside a group");
    }
    if (!Peek(';')) return Status::Error("group not closed by ';'");
    ++pos_;
    return Status::Ok();
  }

  // display-name / obs-phrase: word *(word / ".")
  Status Phrase(bool required) {
    if (pos_ < t_.size() && t_[pos_].IsWord()) {
      ++pos_;
      while (pos_ < t_.size() && (t_[pos_].IsWord() || Peek('.'))) ++pos_;
      return Status::Ok();
    }
    if (required) return Unexpected("where a group name should be");
    return Status::Ok();
  }

  // obs-route: obs-domain-list ":" ; the route's domains are not the mailbox's domain.
  Status ObsRoute() {
    while (true) {
      while (Peek(',')) ++pos_;
      if (!Peek('@')) return Unexpected("in a source route");
      ++pos_;
      std::string ignored;
      Status s = Domain(&ignored);
      if (!s.ok()) return s;
      if (Peek(':')) {
        ++pos_;
        return Status::Ok();
      }
      if (!Peek(',')) return Unexpected("in a source route");
    }
  }

  Status AddrSpec() {
    // local-part = word *("." word)
    if (pos_ >= t_.size() || !t_[pos_].IsWord()) return Unexpected("where a local part should be");
    ++pos_;
    while (Peek('.')) {
      ++pos_;
      if (pos_ >= t_.size() || !t_[pos_].IsWord()) return Unexpected("after '.' in a local part");
      ++pos_;
    }
    if (!Peek('@')) return Unexpected("where '@' should follow the local part");
    ++pos_;
    std::string domain;
    Status s = Domain(&domain);
    if (!s.ok()) return s;
    domains_->push_back(std::move(domain));
    return Status::Ok();
  }

  // domain = dot-atom / domain-literal / obs-domain (atom *("." atom))
  Status Domain(std::string* out) {
    if (pos_ < t_.size() && t_[pos_].kind == TokenKind::kLiteral) {
      *out = std::string(t_[pos_++].text);
      return Status::Ok();
    }
    if (pos_ >= t_.size() || t_[pos_].kind != TokenKind::kAtom) {
      return Unexpected("where a domain should be");
    }
    *out = std::string(t_[pos_++].text);
    while (Peek('.')) {
      ++pos_;
      if (pos_ >= t_.size() || t_[pos_].kind != TokenKind::kAtom) {
        return Unexpected("after '.' in a domain");
      }
      out->push_back('.');
      out->append(t_[pos_++].text);
    }
    return Status::Ok();
  }

  const std::vector<Token>& t_;
  size_t pos_ = 0;
  std::vector<std::string>* domains_ = nullptr;
};

// Folding is a line break followed by white space; any other CR or LF is not part of a field value.
Result<std::string> Unfold(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\r' || v[i] == '\n') {
      size_t j = i;
      if (v[j] == '\r' && j + 1 < v.size() && v[j + 1] == '\n') ++j;
      if (j + 1 < v.size() && (v[j + 1] == ' ' || v[j + 1] == '\t')) {
        i = j;
        continue;
      }
      if (j + 1 >= v.size()) break;  // a final line break is not content
      return Status::Error("line break without folding white space in the field value");
    }
    out.push_back(v[i]);
  }
  return out;
}

}  // namespace

bool IsDnsDomainName(std::string_view d) {
  if (!d.empty() && d.back() == '.') d.remove_suffix(1);
  if (d.empty() || d.size() > 253) return false;
  size_t label_start = 0;
  for (size_t i = 0; i <= d.size(); ++i) {
    if (i == d.size() || d[i] == '.') {
      const size_t len = i - label_start;
      if (len == 0 || len > 63) return false;
      if (d[label_start] == '-' || d[i - 1] == '-') return false;
      label_start = i + 1;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(d[i]);
    const bool ok = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Result<std::vector<ParsedMailbox>> ParseAddressList(std::string_view value) {
  // Most From values are one line: only a value with a line break needs an unfolded copy.
  std::string unfolded_copy;
  std::string_view unfolded = value;
  if (value.find_first_of("\r\n") != std::string_view::npos) {
    Result<std::string> u = Unfold(value);
    if (!u.ok()) return u.status();
    unfolded_copy = std::move(u).value();
    unfolded = unfolded_copy;
  }
  // Reused by every value this thread parses (the tokens view `unfolded`, not the buffers).
  thread_local std::vector<Token> tokens;
  thread_local std::string cleaned;
  tokens.clear();
  cleaned.clear();
  Status s = Tokenize(unfolded, &tokens, &cleaned);
  if (!s.ok()) return s;
  std::vector<std::string> grammar_domains;
  s = AddressGrammar(tokens).Parse(&grammar_domains);
  if (!s.ok()) return s;

  std::vector<ParsedMailbox> out;
  try {
    mimetic::AddressList list(cleaned);
    auto add = [&out](const mimetic::Mailbox& m, bool in_group) {
      // mimetic reports an empty group, and each empty obs-addr-list element, as an empty mailbox.
      if (m.mailbox().empty() && m.domain().empty()) return;
      ParsedMailbox p;
      p.local_part = m.mailbox();
      p.domain = m.domain();
      p.display_name = m.label();
      while (!p.display_name.empty() && p.display_name.back() == ' ') p.display_name.pop_back();
      p.in_group = in_group;
      p.domain_literal = !p.domain.empty() && p.domain.front() == '[';
      out.push_back(std::move(p));
    };
    for (const mimetic::Address& a : list) {
      if (a.isGroup()) {
        for (const mimetic::Mailbox& m : a.group()) add(m, true);
      } else {
        add(a.mailbox(), false);
      }
    }
  } catch (const std::exception& e) {
    return Status::Error(std::string("address parser failed: ") + e.what());
  }

  // The grammar has accepted the value; mimetic must have read the same mailboxes out of it.
  bool agree = out.size() == grammar_domains.size();
  for (size_t i = 0; agree && i < out.size(); ++i) {
    agree = EqualsIgnoreCase(out[i].domain, grammar_domains[i]);
  }
  if (!agree) {
    return Status::Error("address list not understood: RFC 5322 grammar reads " +
                         std::to_string(grammar_domains.size()) + " mailbox(es), mimetic " +
                         std::to_string(out.size()));
  }
  return out;
}

}  // namespace mv
