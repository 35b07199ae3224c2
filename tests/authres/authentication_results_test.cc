#include "authres/authentication_results.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "util/json_writer.h"

namespace mv {
namespace {

std::string Format(std::string_view id, const std::vector<AuthResEntry>& e,
                   const AuthResFormat& f = {}) {
  Result<std::string> r = FormatAuthenticationResults(id, e, f);
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() ? r.value() : std::string();
}

TEST(AuthRes, TypicalHeader) {
  std::vector<AuthResEntry> e = {
      DkimAuthRes("pass", "example.com", "sel1", "AbCdEf/+", "", "", "rsa-sha256"),
      SpfAuthRes("pass", "bounce@example.com", "mail.example.com"),
      DmarcAuthRes("pass", "example.com", "reject"),
      ArcAuthRes("none"),
  };
  EXPECT_EQ(Format("mx.example.org", e),
            "mx.example.org; dkim=pass header.d=example.com header.s=sel1 header.a=rsa-sha256 "
            "header.b=\"AbCdEf/+\"; spf=pass smtp.mailfrom=bounce@example.com "
            "smtp.helo=mail.example.com; dmarc=pass (p=reject) header.from=example.com; arc=none");
}

// RFC 9989 registers policy.dmarc: the policy that applies after p/sp/np and t=, here t=y having
// made p=reject a quarantine.
TEST(AuthRes, DmarcPolicyProperty) {
  EXPECT_EQ(
      Format("mx.example.org", {DmarcAuthRes("fail", "example.com", "reject", "", "quarantine")}),
      "mx.example.org; dmarc=fail (p=reject) header.from=example.com "
      "policy.dmarc=quarantine");
  EXPECT_EQ(Format("mx.example.org", {DmarcAuthRes("fail", "a.example.com", "reject", "", "none",
                                                   "reject", "example.com")}),
            "mx.example.org; dmarc=fail (p=reject) header.from=a.example.com policy.dmarc=none "
            "polrec.p=reject polrec.domain=example.com");
  EXPECT_EQ(Format("mx.example.org", {DmarcAuthRes("none", "example.com")}),
            "mx.example.org; dmarc=none header.from=example.com");
}

TEST(AuthRes, NoResultsAndFolding) {
  EXPECT_EQ(Format("mx.example.org", {}), "mx.example.org; none");
  AuthResFormat folded;
  folded.separator = ";\r\n\t";
  EXPECT_EQ(Format("mx", {SpfAuthRes("fail", "a@b.example", ""), ArcAuthRes("pass")}, folded),
            "mx;\r\n\tspf=fail smtp.mailfrom=a@b.example;\r\n\tarc=pass");
}

TEST(AuthRes, QuotesWhatIsNotAToken) {
  EXPECT_EQ(AuthResValue("abc"), "abc");
  EXPECT_EQ(AuthResValue("a b"), "\"a b\"");
  EXPECT_EQ(AuthResValue("x=y"), "\"x=y\"");
  EXPECT_EQ(AuthResValue("say \"hi\" \\o/"), "\"say \\\"hi\\\" \\\\o/\"");
  EXPECT_EQ(AuthResValue("line\r\nbreak"), "\"line  break\"");
  EXPECT_EQ(AuthResValue(""), "\"\"");
  // Reasons and comments are escaped; authserv-ids that are not tokens are quoted.
  AuthResEntry e = SpfAuthRes("softfail", "", "helo.example", "not (quite) \"ok\"");
  e.comment = "a (nested) \\ comment";
  EXPECT_EQ(Format("mx [1]", {e}),
            "\"mx [1]\"; spf=softfail (a \\(nested\\) \\\\ comment) "
            "reason=\"not (quite) \\\"ok\\\"\" smtp.helo=helo.example");
}

TEST(AuthRes, PropertyValuesMayBeAddresses) {
  std::string out = Format("mx", {SpfAuthRes("pass", "\"john doe\"@example.com", "")});
  EXPECT_EQ(out, "mx; spf=pass smtp.mailfrom=\"john doe\"@example.com");
  out = Format("mx", {SpfAuthRes("pass", "@example.com", "")});
  EXPECT_EQ(out, "mx; spf=pass smtp.mailfrom=@example.com");
  out = Format("mx", {SpfAuthRes("pass", "a b@example.com", "")});
  EXPECT_EQ(out, "mx; spf=pass smtp.mailfrom=\"a b@example.com\"");
}

TEST(AuthRes, RejectsBadKeywords) {
  EXPECT_FALSE(FormatAuthenticationResults("", {ArcAuthRes("pass")}).ok());
  EXPECT_FALSE(FormatAuthenticationResults("mx", {ArcAuthRes("pass fail")}).ok());
  AuthResEntry e = ArcAuthRes("pass");
  e.method = "ar;c";
  EXPECT_FALSE(FormatAuthenticationResults("mx", {e}).ok());
  e = ArcAuthRes("pass");
  e.properties.push_back({"header", "d=x", "y"});
  EXPECT_FALSE(FormatAuthenticationResults("mx", {e}).ok());
}

TEST(AuthRes, HeaderBPrefixesAreUnique) {
  const std::vector<std::string_view> b = {"abcdefgh12345", "abcdefgh12999", "zzyyxxwwvvuu",
                                           "short", "abcdefgh12345"};
  const std::vector<std::string_view> p = HeaderBPrefixes(b);
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0], "abcdefgh123");
  EXPECT_EQ(p[1], "abcdefgh129");
  EXPECT_EQ(p[2], "zzyyxxww");
  EXPECT_EQ(p[3], "short");
  // A signature repeated verbatim cannot be told apart; it does not make its twin grow.
  EXPECT_EQ(p[4], "abcdefgh123");
  // The prefixes are views into the values, not copies.
  EXPECT_EQ(p[2].data(), b[2].data());
  EXPECT_TRUE(HeaderBPrefixes({}).empty());
}

// Round trip through an independent parser: Debian's python3-authres.
struct RoundTripCase {
  std::string authserv_id;
  std::vector<AuthResEntry> entries;
  AuthResFormat format;
};

// The JSON line parse_authres.py prints when every field survived.
std::string ExpectedJson(const RoundTripCase& c) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("authserv_id", c.authserv_id).Key("results").BeginArray();
  for (const AuthResEntry& e : c.entries) {
    w.BeginObject().Field("method", e.method).Field("result", e.result).Key("reason");
    if (e.reason.empty()) {
      w.Null();
    } else {
      // The formatter keeps free text ASCII: each non-ASCII byte of a reason is written as '?'.
      std::string reason(e.reason);
      for (char& ch : reason) {
        if (static_cast<unsigned char>(ch) >= 0x80) ch = '?';
      }
      w.String(reason);
    }
    w.Key("properties").BeginArray();
    for (const AuthResProperty& p : e.properties) {
      w.BeginArray().String(p.ptype).String(p.property).String(p.value).EndArray();
    }
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

TEST(AuthRes, RoundTripThroughPythonAuthres) {
  AuthResFormat folded;
  folded.separator = ";\r\n\t";
  std::vector<RoundTripCase> cases;
  cases.push_back({"mx.example.org",
                   {DkimAuthRes("pass", "example.com", "sel1", "AbC/+d=9", "good signature"),
                    DkimAuthRes("fail", "example.net", "s2048", "Zy+x/wVU", "body hash mismatch"),
                    SpfAuthRes("pass", "bounce@example.com", "mail.example.com"),
                    DmarcAuthRes("pass", "example.com", "reject"), ArcAuthRes("pass", "", "1")},
                   {}});
  cases.push_back({"mx.example.org",
                   {SpfAuthRes("softfail", "\"john doe\"@example.com", ""),
                    DkimAuthRes("permerror", "example.com", "sel", "", "key too small (512 bits)"),
                    ArcAuthRes("fail", "i=2 AMS; \"b\" did not verify")},
                   folded});
  cases.push_back({"auth.example.net", {}, {}});
  cases.push_back({"mx1.example.org",
                   {SpfAuthRes("none", "@example.com", "helo.example.org", "no SPF record"),
                    DmarcAuthRes("fail", "sub.example.co.uk", "quarantine",
                                 "DKIM d=other.example pass; SPF none", "none")},
                   folded});
  cases.push_back({"mx.example.org",
                   {DkimAuthRes("neutral", "example.com", "2024", "", "r\xc3\xa9sum\xc3\xa9 \\ x")},
                   {}});

  const std::filesystem::path dir = std::filesystem::path(MV_BINARY_DIR) / "authres_roundtrip";
  std::filesystem::create_directories(dir);
  std::string command =
      "/usr/bin/python3 " + std::string(MV_TEST_DATA) + "/authres/parse_authres.py";
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::filesystem::path file = dir / ("field" + std::to_string(i) + ".txt");
    std::ofstream(file, std::ios::binary)
        << "Authentication-Results: "
        << Format(cases[i].authserv_id, cases[i].entries, cases[i].format) << "\r\n";
    command += " " + file.string();
  }
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::vector<std::string> lines;
  std::string line;
  int ch;
  while ((ch = std::fgetc(pipe)) != EOF) {
    if (ch == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line.push_back(static_cast<char>(ch));
    }
  }
  ASSERT_EQ(pclose(pipe), 0) << "python3-authres is needed (Debian package python3-authres)";
  ASSERT_EQ(lines.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(Format(cases[i].authserv_id, cases[i].entries, cases[i].format));
    EXPECT_EQ(lines[i], ExpectedJson(cases[i]));
  }
}

}  // namespace
}  // namespace mv
