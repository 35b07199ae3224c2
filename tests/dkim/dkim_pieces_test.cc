// Unit tests of the reusable DKIM pieces: tag lists, canonicalization, the streaming body hasher,
// h= selection, b= removal and key records.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <random>
#include <string>

#include "dkim/body_hasher.h"
#include "dkim/canonicalization.h"
#include "dkim/dkim_key.h"
#include "dkim/dkim_signature.h"
#include "dkim/header_hash.h"
#include "dkim/tag_list.h"
#include "message/header_index.h"

namespace mv {
namespace {

std::string Hex(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// ---- Tag lists (RFC 6376 3.2) ----

TEST(TagList, ParsesValuesWithFwsAndTrailingSemicolon) {
  Result<TagList> t = TagList::Parse(" v=1; a = rsa-sha256 ;\r\n\tb=abc\r\n def ; x=;");
  ASSERT_TRUE(t.ok()) << t.error();
  ASSERT_EQ(t->tags().size(), 4u);
  EXPECT_EQ(t->Find("v")->value, "1");
  EXPECT_EQ(t->Find("a")->value, "rsa-sha256");
  EXPECT_EQ(t->Find("a")->raw_value, " rsa-sha256 ");
  EXPECT_EQ(t->Find("b")->value, "abc\r\n def");
  EXPECT_EQ(RemoveFws(t->Find("b")->value), "abcdef");
  EXPECT_EQ(t->Find("x")->value, "");
  EXPECT_EQ(t->Find("y"), nullptr);
}

TEST(TagList, BareLfCountsAsFws) {
  Result<TagList> t = TagList::Parse("b=ab\n cd;\n h=from");
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(RemoveFws(t->Find("b")->value), "abcd");
  EXPECT_EQ(t->Find("h")->value, "from");
}

TEST(TagList, TagNamesAreCaseSensitiveAndUnknownTagsKept) {
  Result<TagList> t = TagList::Parse("V=1; v=2; zz_9=hello");
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t->Find("V")->value, "1");
  EXPECT_EQ(t->Find("v")->value, "2");
  EXPECT_EQ(t->Find("zz_9")->value, "hello");
}

TEST(TagList, RejectsDuplicatesAndMalformedSpecs) {
  EXPECT_FALSE(TagList::Parse("a=1; a=2").ok());
  EXPECT_FALSE(TagList::Parse("a=1;; b=2").ok());
  EXPECT_FALSE(TagList::Parse("a=1; b").ok());
  EXPECT_FALSE(TagList::Parse("1a=1").ok());
  EXPECT_FALSE(TagList::Parse("a=1; =2").ok());
  EXPECT_FALSE(TagList::Parse("a=x\x01y").ok());
  EXPECT_FALSE(TagList::Parse("a=caf\xc3\xa9").ok());  // VALCHAR is printable ASCII only
  EXPECT_TRUE(TagList::Parse("").ok());
  EXPECT_TRUE(TagList::Parse("a=1;  ").ok());
}

TEST(Base64, DecodesWithFwsAndRejectsJunk) {
  Result<std::string> d = DecodeBase64("aGVs\r\n bG8=");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "hello");
  EXPECT_FALSE(DecodeBase64("aGV*bG8=").ok());
  EXPECT_FALSE(DecodeBase64("aGVsb").ok());
  EXPECT_FALSE(DecodeBase64("aG=Vs").ok());
}

// OpenSSL's encoder makes the input; FWS is sprinkled in and padding sometimes dropped (DKIM
// allows both), and every length from 0 to 200 bytes must decode back to the same bytes.
TEST(Base64, RoundTripsOpenSslEncodingsOfEveryLength) {
  std::mt19937 rng(7);
  for (size_t n = 0; n <= 200; ++n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    std::string encoded(4 * ((n + 2) / 3) + 1, '\0');
    const int len =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(n));
    encoded.resize(static_cast<size_t>(len));
    std::string with_fws;
    for (char c : encoded) {
      if (rng() % 9 == 0) with_fws += (rng() % 2) ? "\r\n " : "\t";
      with_fws.push_back(c);
    }
    Result<std::string> d = DecodeBase64(with_fws);
    ASSERT_TRUE(d.ok()) << n << " " << with_fws;
    EXPECT_EQ(*d, bytes) << n;
    std::string unpadded = encoded;
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    Result<std::string> u = DecodeBase64(unpadded);
    ASSERT_TRUE(u.ok()) << n;
    EXPECT_EQ(*u, bytes) << n;
    EXPECT_EQ(RemoveFws(with_fws), encoded);
  }
  EXPECT_FALSE(DecodeBase64("aGVsbG8=x").ok());  // a symbol after padding
  EXPECT_FALSE(DecodeBase64("aGVsbG===").ok());  // too much padding
}

// ---- Canonicalization (RFC 6376 3.4) ----

TEST(Canonicalization, ParsesCTag) {
  auto c = ParseCanonicalization("");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->header, Canon::kSimple);
  EXPECT_EQ(c->body, Canon::kSimple);
  c = ParseCanonicalization("relaxed");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->header, Canon::kRelaxed);
  EXPECT_EQ(c->body, Canon::kSimple);
  c = ParseCanonicalization("simple/relaxed");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->header, Canon::kSimple);
  EXPECT_EQ(c->body, Canon::kRelaxed);
  EXPECT_FALSE(ParseCanonicalization("future"));
  EXPECT_FALSE(ParseCanonicalization("relaxed/"));
  EXPECT_FALSE(ParseCanonicalization("Relaxed/simple"));
}

std::string Header(Canon canon, std::string_view raw) {
  std::string out;
  AppendCanonicalHeader(canon, raw, &out);
  return out;
}

TEST(Canonicalization, HeaderRfcExamples) {
  // RFC 6376 3.4.6 example: "A: X" and "B : Y\t\r\n\tZ  ".
  EXPECT_EQ(Header(Canon::kRelaxed, "A: X"), "a:X");
  EXPECT_EQ(Header(Canon::kRelaxed, "B : Y\t\r\n\tZ  "), "b:Y Z");
  EXPECT_EQ(Header(Canon::kSimple, "B : Y\t\r\n\tZ  "), "B : Y\t\r\n\tZ  ");
}

TEST(Canonicalization, HeaderBareLfIsCrlf) {
  EXPECT_EQ(Header(Canon::kSimple, "Subject: a\n b"), "Subject: a\r\n b");
  EXPECT_EQ(Header(Canon::kRelaxed, "Subject: a\n b"), "subject:a b");
  EXPECT_EQ(Header(Canon::kRelaxed, "Subject:\n\tx \n "), "subject:x");
  EXPECT_EQ(Header(Canon::kRelaxed, "X-Empty:   "), "x-empty:");
}

std::string Body(Canon canon, std::string_view body, std::optional<uint64_t> l = std::nullopt) {
  BodyHasher h(canon);
  h.AddTarget(DkimHash::kSha256, l);
  h.Update(body);
  h.Finish();
  return Hex(h.digest(0));
}

std::string Sha256Hex(std::string_view s) {
  return Hex(HashBytes(DkimHash::kSha256, s));
}

TEST(BodyHasher, SimpleRules) {
  EXPECT_EQ(Body(Canon::kSimple, ""), Sha256Hex("\r\n"));  // empty body is one CRLF
  EXPECT_EQ(Body(Canon::kSimple, "\r\n\r\n"), Sha256Hex("\r\n"));
  EXPECT_EQ(Body(Canon::kSimple, "a\r\n\r\n\r\n"), Sha256Hex("a\r\n"));
  EXPECT_EQ(Body(Canon::kSimple, "a"), Sha256Hex("a\r\n"));
  EXPECT_EQ(Body(Canon::kSimple, " a \r\n\r\n b\r\n"), Sha256Hex(" a \r\n\r\n b\r\n"));
  EXPECT_EQ(Body(Canon::kSimple, "a\r\n \r\n"), Sha256Hex("a\r\n \r\n"));  // WSP line is content
}

TEST(BodyHasher, RelaxedRules) {
  // RFC 6376 3.4.6: " C \r\nD \t E\r\n\r\n\r\n" -> " C\r\nD E\r\n".
  EXPECT_EQ(Body(Canon::kRelaxed, " C \r\nD \t E\r\n\r\n\r\n"), Sha256Hex(" C\r\nD E\r\n"));
  EXPECT_EQ(Body(Canon::kRelaxed, ""), Sha256Hex(""));  // empty body stays empty
  EXPECT_EQ(Body(Canon::kRelaxed, "\r\n  \r\n\t\r\n"), Sha256Hex(""));
  EXPECT_EQ(Body(Canon::kRelaxed, "a  \r\n \t \r\n"), Sha256Hex("a\r\n"));
  EXPECT_EQ(Body(Canon::kRelaxed, "x\ry \r\n"), Sha256Hex("x\ry\r\n"));  // lone CR is content
  EXPECT_EQ(Body(Canon::kRelaxed, "end  "), Sha256Hex("end\r\n"));
}

TEST(BodyHasher, BareLfEqualsCrlf) {
  const std::string crlf = " Hi  there\r\n\r\nline\t2 \r\n\r\n\r\n";
  std::string lf;
  for (char c : crlf) {
    if (c != '\r') lf.push_back(c);
  }
  for (Canon canon : {Canon::kSimple, Canon::kRelaxed}) {
    EXPECT_EQ(Body(canon, lf), Body(canon, crlf));
  }
}

TEST(BodyHasher, EveryChunkSplitGivesTheSameDigest) {
  const std::string body =
      "a \t b\r\n\r\n  c\r\r\n\n\tx  y \n\r\n\r \r\nlast line without break \t";
  for (Canon canon : {Canon::kSimple, Canon::kRelaxed}) {
    const std::string whole = Body(canon, body);
    for (size_t cut1 = 0; cut1 <= body.size(); ++cut1) {
      for (size_t cut2 = cut1; cut2 <= body.size(); cut2 += 3) {
        BodyHasher h(canon);
        h.AddTarget(DkimHash::kSha256);
        h.Update(std::string_view(body).substr(0, cut1));
        h.Update(std::string_view(body).substr(cut1, cut2 - cut1));
        h.Update(std::string_view(body).substr(cut2));
        h.Finish();
        ASSERT_EQ(Hex(h.digest(0)), whole) << CanonName(canon) << " " << cut1 << " " << cut2;
      }
    }
  }
}

TEST(BodyHasher, LengthLimitAndCounts) {
  BodyHasher h(Canon::kRelaxed);
  const size_t full = h.AddTarget(DkimHash::kSha256);
  const size_t five = h.AddTarget(DkimHash::kSha256, 5);
  const size_t sha1 = h.AddTarget(DkimHash::kSha1, 1000);
  h.Update("Hello   world\nsecond\n\n");
  h.Finish();
  EXPECT_EQ(h.canonical_length(), 21u);  // "Hello world\r\nsecond\r\n"
  EXPECT_EQ(h.hashed_bytes(full), 21u);
  EXPECT_EQ(h.hashed_bytes(five), 5u);
  EXPECT_EQ(Hex(h.digest(five)), Sha256Hex("Hello"));
  EXPECT_EQ(h.hashed_bytes(sha1), 21u);
  EXPECT_EQ(Hex(h.digest(sha1)), Hex(HashBytes(DkimHash::kSha1, "Hello world\r\nsecond\r\n")));
}

TEST(BodyHasher, LongRunsPassedThroughMatch) {
  std::string body;
  for (int i = 0; i < 3000; ++i) body += "line " + std::to_string(i) + " of text\r\n";
  std::string lf;
  for (char c : body) {
    if (c != '\r') lf.push_back(c);
  }
  EXPECT_EQ(Body(Canon::kSimple, body), Sha256Hex(body));
  EXPECT_EQ(Body(Canon::kSimple, lf), Sha256Hex(body));
  EXPECT_EQ(Body(Canon::kRelaxed, lf), Sha256Hex(body));
}

// RFC 6376 3.4.3/3.4.4 written out literally on a whole string, as the reference for the streaming
// hasher: bare LF read as CRLF, lines split on CRLF, trailing empty lines dropped.
std::string ReferenceBody(Canon canon, std::string_view body) {
  std::string text;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) text.push_back('\r');
    text.push_back(body[i]);
  }
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t crlf = text.find("\r\n", start);
    if (crlf == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, crlf - start));
    start = crlf + 2;
  }
  if (canon == Canon::kRelaxed) {
    for (std::string& line : lines) {
      std::string out;
      bool space = false;
      for (char c : line) {
        if (c == ' ' || c == '\t') {
          space = true;
          continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
      }
      line = out;  // trailing WSP dropped
    }
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string out;
  for (const std::string& line : lines) out += line + "\r\n";
  if (lines.empty() && canon == Canon::kSimple) out = "\r\n";
  return out;
}

TEST(BodyHasher, MatchesLiteralReadingOnRandomBodies) {
  std::mt19937 rng(4871);
  const char alphabet[] = {'a', 'b', ' ', ' ', '\t', '\r', '\n', '\n', 'x'};
  for (int round = 0; round < 3000; ++round) {
    std::string body;
    const size_t len = rng() % 300;
    for (size_t k = 0; k < len; ++k) {
      // Long content runs now and then, so the vectorised scan sees full blocks.
      if (rng() % 40 == 0) body += "some words of plain text that run past sixteen bytes";
      body.push_back(alphabet[rng() % sizeof(alphabet)]);
    }
    for (Canon canon : {Canon::kSimple, Canon::kRelaxed}) {
      BodyHasher h(canon);
      h.AddTarget(DkimHash::kSha256);
      const size_t cut = body.empty() ? 0 : rng() % (body.size() + 1);
      h.Update(std::string_view(body).substr(0, cut));
      h.Update(std::string_view(body).substr(cut));
      h.Finish();
      const std::string want = ReferenceBody(canon, body);
      ASSERT_EQ(Hex(h.digest(0)), Sha256Hex(want))
          << CanonName(canon) << " round " << round << " cut " << cut;
      ASSERT_EQ(h.canonical_length(), want.size());
    }
  }
}

// ---- h= selection and b= removal (RFC 6376 5.4.2, 3.7) ----

TEST(HeaderHash, SelectsBottomUpAndNullForMissing) {
  const std::string msg =
      "Received: one\r\nFrom: a@x\r\nReceived: two\r\nSubject: s\r\nReceived: three\r\n\r\nbody";
  HeaderIndex index = HeaderIndex::Build(msg);
  Result<std::vector<std::string_view>> names =
      ParseHeaderNameList("received : Received:\r\n from:x-missing:received:received");
  ASSERT_TRUE(names.ok());
  auto picked = SelectSignedFields(index, *names);
  ASSERT_EQ(picked.size(), 6u);
  EXPECT_EQ(picked[0]->value, " three");
  EXPECT_EQ(picked[1]->value, " two");
  EXPECT_EQ(picked[2]->value, " a@x");
  EXPECT_EQ(picked[3], nullptr);
  EXPECT_EQ(picked[4]->value, " one");
  EXPECT_EQ(picked[5], nullptr);  // oversigned: no fourth Received
  std::string input;
  AppendHeaderHashInput(Canon::kRelaxed, picked, "DKIM-Signature: b=", &input);
  EXPECT_EQ(input,
            "received:three\r\nreceived:two\r\nfrom:a@x\r\nreceived:one\r\ndkim-signature:b=");
  EXPECT_FALSE(ParseHeaderNameList("from::to").ok());
}

TEST(HeaderHash, ManyRepeatedNamesSelectBottomUp) {
  std::string msg;
  for (int k = 0; k < 2000; ++k) msg += "Received: " + std::to_string(k) + "\r\n";
  msg += "\r\n";
  HeaderIndex index = HeaderIndex::Build(msg);
  std::vector<std::string_view> names(2500, "RECEIVED");
  auto picked = SelectSignedFields(index, names);
  ASSERT_EQ(picked.size(), 2500u);
  EXPECT_EQ(picked[0]->value, " 1999");
  EXPECT_EQ(picked[1999]->value, " 0");
  EXPECT_EQ(picked[2000], nullptr);
  EXPECT_EQ(picked[2499], nullptr);
}

// Small selections compare pairs, large ones use a map (header_hash.cc): the choice depends only on
// names x fields, so a prefix of a long h= must pick what the short h= picks.
TEST(HeaderHash, PairAndMapSelectionsAgree) {
  const char* kinds[] = {"Received", "from", "TO", "Subject", "x-a", "X-B"};
  std::string msg;
  for (int k = 0; k < 60; ++k)
    msg += std::string(kinds[k * 7 % 6]) + ": " + std::to_string(k) + "\r\n";
  msg += "\r\n";
  HeaderIndex index = HeaderIndex::Build(msg);
  const char* asked[] = {"received", "FROM", "x-missing", "to", "subject", "X-a", "x-b", "from"};
  std::vector<std::string_view> names;
  for (int k = 0; k < 100; ++k) names.push_back(asked[k * 5 % 8]);
  const std::vector<std::string_view> short_names(names.begin(), names.begin() + 60);  // 3600 pairs
  auto small = SelectSignedFields(index, short_names);
  auto large = SelectSignedFields(index, names);  // 6000 pairs
  ASSERT_EQ(small.size(), 60u);
  ASSERT_EQ(large.size(), 100u);
  int found = 0;
  for (size_t k = 0; k < small.size(); ++k) {
    EXPECT_EQ(small[k], large[k]) << k;
    found += small[k] != nullptr;
  }
  EXPECT_GT(found, 30);
  EXPECT_EQ(small[0]->value, " 54");  // the bottom-most Received (k * 7 % 6 == 0)
}

TEST(HeaderHash, RemovesOnlyTheBValue) {
  const std::string raw = "DKIM-Signature: v=1; b=ab\r\n cd ;bh=xyz=; d=x";
  const std::string message = raw + "\r\n\r\n";
  HeaderIndex index = HeaderIndex::Build(message);
  const HeaderField& f = index.fields()[0];
  Result<TagList> tags = TagList::Parse(f.value);
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(RemoveSignatureValue(f.raw, tags->Find("b")->raw_value),
            "DKIM-Signature: v=1; b=;bh=xyz=; d=x");
  const std::string last = "DKIM-Signature: bh=1; b= abc ";
  const std::string message2 = last + "\r\n\r\n";
  HeaderIndex index2 = HeaderIndex::Build(message2);
  Result<TagList> tags2 = TagList::Parse(index2.fields()[0].value);
  ASSERT_TRUE(tags2.ok());
  EXPECT_EQ(RemoveSignatureValue(index2.fields()[0].raw, tags2->Find("b")->raw_value),
            "DKIM-Signature: bh=1; b=");
}

// ---- Signature field rules ----

DkimSignatureParse ParseSig(const std::string& value, HeaderIndex* keep) {
  static std::string storage;
  storage = "DKIM-Signature:" + value + "\r\n\r\n";
  *keep = HeaderIndex::Build(storage);
  return ParseDkimSignature(keep->fields()[0]);
}

TEST(DkimSignature, RequiredTagsAndValues) {
  HeaderIndex idx;
  const std::string ok = " v=1; a=rsa-sha256; d=Example.COM; s=sel; h=From:To; bh=AAAA; b=AAAA";
  DkimSignatureParse p = ParseSig(ok, &idx);
  ASSERT_EQ(p.reason, DkimReason::kOk) << p.detail;
  EXPECT_EQ(p.sig.domain, "example.com");
  EXPECT_EQ(p.sig.identity_domain, "example.com");
  EXPECT_EQ(p.sig.canon.header, Canon::kSimple);
  EXPECT_EQ(p.sig.without_b,
            "DKIM-Signature: v=1; a=rsa-sha256; d=Example.COM; s=sel; "
            "h=From:To; bh=AAAA; b=");
  for (const char* tag :
       {"v=1; ", "a=rsa-sha256; ", "d=Example.COM; ", "s=sel; ", "h=From:To; ", "bh=AAAA; "}) {
    std::string missing = ok;
    missing.erase(missing.find(tag), std::string(tag).size());
    EXPECT_EQ(ParseSig(missing, &idx).reason, DkimReason::kTagSyntax) << tag;
  }
  EXPECT_EQ(ParseSig(ok + "; v=1", &idx).reason, DkimReason::kTagSyntax);  // duplicate
  EXPECT_EQ(ParseSig(" v=2;" + ok.substr(5), &idx).reason, DkimReason::kTagSyntax);
  EXPECT_EQ(ParseSig(ok + "; c=relaxed/fancy", &idx).reason, DkimReason::kTagSyntax);
  EXPECT_EQ(ParseSig(ok + "; q=http", &idx).reason, DkimReason::kTagSyntax);
  EXPECT_EQ(ParseSig(ok + "; q=dns/txt", &idx).reason, DkimReason::kOk);
  EXPECT_EQ(ParseSig(ok + "; l=12a", &idx).reason, DkimReason::kTagSyntax);
  EXPECT_EQ(ParseSig(ok + "; t=200; x=100", &idx).reason, DkimReason::kTagSyntax);
  EXPECT_EQ(ParseSig(ok + "; unknown=whatever", &idx).reason, DkimReason::kOk);
}

TEST(DkimSignature, AlgorithmIdentityAndFrom) {
  HeaderIndex idx;
  const std::string base = " v=1; d=example.com; s=sel; bh=AAAA; b=AAAA; ";
  EXPECT_EQ(ParseSig(base + "a=rsa-md5; h=from", &idx).reason, DkimReason::kUnsupportedAlgorithm);
  EXPECT_EQ(ParseSig(base + "a=ed25519-sha256; h=to", &idx).reason, DkimReason::kFromNotSigned);
  EXPECT_EQ(ParseSig(base + "a=rsa-sha1; h=FROM", &idx).reason, DkimReason::kOk);
  EXPECT_EQ(ParseSig(base + "a=rsa-sha1; h=from; i=u@mail.EXAMPLE.com", &idx).reason,
            DkimReason::kOk);
  EXPECT_EQ(ParseSig(base + "a=rsa-sha1; h=from; i=u@badexample.com", &idx).reason,
            DkimReason::kDomainMismatch);
  EXPECT_EQ(ParseSig(base + "a=rsa-sha1; h=from; i=@com", &idx).reason,
            DkimReason::kDomainMismatch);
}

// ---- Key records (RFC 6376 3.6.1, RFC 8463) ----

std::string Ed25519PublicBase64() {
  // RFC 8032 7.1 TEST 1 public key, the one RFC 8463 A.2 publishes.
  return "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
}

TEST(DkimKey, RecordRules) {
  DkimKeyParse k = ParseDkimKeyRecord("v=DKIM1; k=ed25519; p=" + Ed25519PublicBase64());
  ASSERT_EQ(k.reason, DkimReason::kOk) << k.detail;
  EXPECT_EQ(k.key->type, DkimKeyType::kEd25519);
  EXPECT_EQ(k.key->bits, 256);
  EXPECT_TRUE(k.key->email_service);
  EXPECT_FALSE(k.key->testing);

  EXPECT_EQ(ParseDkimKeyRecord("k=ed25519; v=DKIM1; p=" + Ed25519PublicBase64()).reason,
            DkimReason::kKeySyntax);  // v= not first
  EXPECT_EQ(ParseDkimKeyRecord("v=DKIM2; k=ed25519; p=" + Ed25519PublicBase64()).reason,
            DkimReason::kKeySyntax);
  EXPECT_EQ(ParseDkimKeyRecord("v=DKIM1; k=dsa; p=" + Ed25519PublicBase64()).reason,
            DkimReason::kKeySyntax);
  EXPECT_EQ(ParseDkimKeyRecord("v=DKIM1; k=ed25519; p=").reason, DkimReason::kKeyRevoked);
  EXPECT_EQ(ParseDkimKeyRecord("v=DKIM1; k=rsa; p= ;t=y").reason, DkimReason::kKeyRevoked);
  EXPECT_EQ(ParseDkimKeyRecord("v=DKIM1; k=ed25519").reason, DkimReason::kKeySyntax);
  EXPECT_EQ(ParseDkimKeyRecord("\"\"").reason, DkimReason::kKeySyntax);
  // An SPKI-wrapped Ed25519 key (44 bytes) is not the raw 32-byte form RFC 8463 requires.
  EXPECT_EQ(ParseDkimKeyRecord("v=DKIM1; k=ed25519; p=MCowBQYDK2VwAyEA3SUqa9UbfciWkk7tlcJ9P1VD5p"
                               "XAasg0JUn/OgjVbKE=")
                .reason,
            DkimReason::kKeySyntax);

  k = ParseDkimKeyRecord("k=ed25519; h=sha1:foo; s=chat:*; t=y:s:zz; x=ignored; p=" +
                         Ed25519PublicBase64());
  ASSERT_EQ(k.reason, DkimReason::kOk) << k.detail;
  EXPECT_TRUE(k.key->Allows(DkimHash::kSha1));
  EXPECT_FALSE(k.key->Allows(DkimHash::kSha256));
  EXPECT_TRUE(k.key->email_service);
  EXPECT_TRUE(k.key->testing);
  EXPECT_TRUE(k.key->strict_identity);
  k = ParseDkimKeyRecord("k=ed25519; s=tlsrpt; p=" + Ed25519PublicBase64());
  ASSERT_EQ(k.reason, DkimReason::kOk);
  EXPECT_FALSE(k.key->email_service);
}

// The DER encoding `encode` (i2d_PUBKEY or i2d_PublicKey) gives for `pkey`.
template <class Encode>
std::string Der(EVP_PKEY* pkey, Encode encode) {
  unsigned char* der = nullptr;
  const int len = encode(pkey, &der);
  EXPECT_GT(len, 0);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(std::max(len, 0)));
  OPENSSL_free(der);
  return out;
}

TEST(DkimKey, RsaKeyFromSpkiAndBits) {
  EVP_PKEY* pkey = EVP_RSA_gen(1024);
  ASSERT_NE(pkey, nullptr);
  const std::string spki = Der(pkey, i2d_PUBKEY);
  EVP_PKEY_free(pkey);
  DkimKeyParse k = ParseDkimKeyRecord("v=DKIM1; p=" + Base64(spki));
  ASSERT_EQ(k.reason, DkimReason::kOk) << k.detail;
  EXPECT_EQ(k.key->type, DkimKeyType::kRsa);
  EXPECT_EQ(k.key->bits, 1024);
  // Folded base64 inside p= (FWS allowed) and trailing garbage rejected.
  std::string folded = Base64(spki);
  folded.insert(20, "\r\n ");
  EXPECT_EQ(ParseDkimKeyRecord("p=" + folded).reason, DkimReason::kOk);
  EXPECT_EQ(ParseDkimKeyRecord("p=" + Base64(spki + "xyz")).reason, DkimReason::kKeySyntax);
  EXPECT_EQ(ParseDkimKeyRecord("k=ed25519; p=" + Base64(spki)).reason, DkimReason::kKeySyntax);
}

// What OpenSSL's general decoders make of `der` (the way keys were decoded before the SPKI fast
// path): the key, or null when they refuse it or leave bytes over.
EVP_PKEY* ReferenceRsaDecode(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (k != nullptr && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    EVP_PKEY_free(k);
    k = nullptr;
  }
  if (k == nullptr) {
    p = reinterpret_cast<const unsigned char*>(der.data());
    k = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size()));
    if (k != nullptr && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
      EVP_PKEY_free(k);
      k = nullptr;
    }
  }
  if (k != nullptr && EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA) {
    EVP_PKEY_free(k);
    k = nullptr;
  }
  return k;
}

// The fast SubjectPublicKeyInfo path (dkim_key.cc) must accept exactly what the general decoders
// accept and give the same key, for a clean key and for damaged wrappers around it.
TEST(DkimKey, SpkiFastPathAgreesWithOpenSslDecoders) {
  EVP_PKEY* pkey = EVP_RSA_gen(2048);
  ASSERT_NE(pkey, nullptr);
  const std::string spki = Der(pkey, i2d_PUBKEY);
  const std::string pkcs1 = Der(pkey, i2d_PublicKey);
  ASSERT_EQ(static_cast<unsigned char>(spki[17]), 0x05);  // the NULL parameters
  ASSERT_EQ(static_cast<unsigned char>(spki[23]), 0x00);  // the BIT STRING's unused bits

  std::vector<std::pair<std::string, std::string>> cases = {{"spki", spki}, {"pkcs1", pkcs1}};
  cases.push_back({"trailing byte", spki + '\0'});
  cases.push_back({"truncated", spki.substr(0, spki.size() - 1)});
  std::string v = spki;
  v[23] = 1;
  cases.push_back({"unused bits 1", v});
  v = spki;
  v[16] = 0x0a;  // 1.2.840.113549.1.1.10, RSASSA-PSS
  cases.push_back({"pss oid", v});
  v = spki;
  v[17] = 0x04;  // OCTET STRING instead of NULL
  cases.push_back({"params not null", v});
  v = spki;
  v[1] = static_cast<char>(0x83);  // a length form the fast path does not read
  cases.push_back({"long length form", v});
  int accepted = 0;
  for (const auto& [name, bytes] : cases) {
    EVP_PKEY* expected = ReferenceRsaDecode(bytes);
    DkimKeyParse got = ParseDkimKeyRecord("v=DKIM1; p=" + Base64(bytes));
    EXPECT_EQ(got.reason == DkimReason::kOk, expected != nullptr) << name;
    if (expected != nullptr && got.key) {
      EXPECT_EQ(EVP_PKEY_eq(got.key->pkey.get(), expected), 1) << name;
      if (name == "spki" || name == "pkcs1") {
        EXPECT_EQ(EVP_PKEY_eq(got.key->pkey.get(), pkey), 1) << name;
        ++accepted;
      }
    }
    EVP_PKEY_free(expected);
  }
  EXPECT_EQ(accepted, 2);  // the clean SPKI and PKCS#1 forms give the key itself
  EVP_PKEY_free(pkey);
}

// Ed25519 goes through libsodium (dkim_key.cc). Signatures made by OpenSSL, over random digests,
// must get OpenSSL's own verdict, intact and with one bit flipped in the signature or the digest.
// A small-order key (the identity point) with R = identity and S = 0 "signs" every message under
// a cofactorless check that does not refuse small orders; libsodium refuses it, as PyNaCl (dkimpy)
// does, and so must we whatever OpenSSL says.
TEST(DkimKey, Ed25519VerdictsMatchOpenSslAndRefuseSmallOrder) {
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* gen = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  ASSERT_EQ(EVP_PKEY_keygen_init(gen), 1);
  ASSERT_EQ(EVP_PKEY_keygen(gen, &pkey), 1);
  EVP_PKEY_CTX_free(gen);
  std::string raw(32, '\0');
  size_t raw_len = raw.size();
  ASSERT_EQ(
      EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &raw_len), 1);
  DkimKeyParse k = ParseDkimKeyRecord("k=ed25519; p=" + Base64(raw));
  ASSERT_EQ(k.reason, DkimReason::kOk) << k.detail;
  auto openssl_verify = [&](const std::string& sig, const std::string& digest) {
    EVP_MD_CTX* c = EVP_MD_CTX_new();
    const bool ok =
        EVP_DigestVerifyInit(c, nullptr, nullptr, nullptr, pkey) == 1 &&
        EVP_DigestVerify(c, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                         reinterpret_cast<const unsigned char*>(digest.data()), digest.size()) == 1;
    EVP_MD_CTX_free(c);
    return ok;
  };
  std::mt19937 rng(3);
  int passes = 0;
  for (int round = 0; round < 50; ++round) {
    std::string digest(32, '\0');
    for (char& c : digest) c = static_cast<char>(rng());
    std::string sig(64, '\0');
    size_t sig_len = sig.size();
    EVP_MD_CTX* c = EVP_MD_CTX_new();
    ASSERT_EQ(EVP_DigestSignInit(c, nullptr, nullptr, nullptr, pkey), 1);
    ASSERT_EQ(EVP_DigestSign(c, reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                             reinterpret_cast<const unsigned char*>(digest.data()), digest.size()),
              1);
    EVP_MD_CTX_free(c);
    std::string bad_sig = sig, bad_digest = digest;
    bad_sig[rng() % 64] ^= static_cast<char>(1 << (rng() % 8));
    bad_digest[rng() % 32] ^= 1;
    for (const auto& [s2, d2] :
         {std::pair{sig, digest}, std::pair{bad_sig, digest}, std::pair{sig, bad_digest}}) {
      const bool ours = VerifyDigestSignature(*k.key, DkimHash::kSha256, d2, s2);
      EXPECT_EQ(ours, openssl_verify(s2, d2)) << round;
      passes += ours;
    }
  }
  EXPECT_EQ(passes, 50);  // exactly the intact ones
  EVP_PKEY_free(pkey);

  std::string identity(32, '\0');
  identity[0] = 1;  // the neutral point's encoding
  DkimKeyParse small = ParseDkimKeyRecord("k=ed25519; p=" + Base64(identity));
  ASSERT_EQ(small.reason, DkimReason::kOk) << small.detail;
  std::string forged(64, '\0');
  forged[0] = 1;  // R = identity, S = 0
  EXPECT_FALSE(VerifyDigestSignature(*small.key, DkimHash::kSha256, std::string(32, 'x'), forged));
}

TEST(DkimKey, CacheSharesParsesAndStaysBounded) {
  DkimKeyCache cache(2);
  const std::string a = "k=ed25519; p=" + Ed25519PublicBase64();
  DkimKeyParse first = cache.Get(a);
  DkimKeyParse again = cache.Get(a);
  ASSERT_EQ(first.reason, DkimReason::kOk);
  EXPECT_EQ(first.key.get(), again.key.get());
  cache.Get("k=ed25519; t=y; p=" + Ed25519PublicBase64());
  cache.Get("k=ed25519; t=s; p=" + Ed25519PublicBase64());
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.Get(a).key.get(), first.key.get());  // evicted, parsed again
}

}  // namespace
}  // namespace mv
