// The IMAP response layer: framing with literals, splitting into values, FETCH/LIST/INTERNALDATE.
#include "imap/imap_response.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

std::vector<std::string> FrameAll(std::string_view bytes, size_t chunk, ImapResponseFramer* f) {
  std::vector<std::string> out;
  std::string r;
  for (size_t i = 0; i < bytes.size(); i += chunk) {
    f->Feed(bytes.substr(i, chunk));
    while (f->Next(&r)) out.push_back(r);
  }
  return out;
}

TEST(ImapResponseFramer, LiteralsHoldLineBreaksAndLookalikeResponses) {
  const std::string body = "Subject: x\r\n\r\nmv2 OK done\r\n* 3 EXISTS\r\n{5}\r\n";
  const std::string first = "* 1 FETCH (UID 7 BODY[] {" + std::to_string(body.size()) + "}\r\n" +
                            body + " FLAGS (\\Seen))\r\n";
  const std::string stream = first + "mv2 OK Fetch completed.\r\n";
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{7}, stream.size()}) {
    ImapResponseFramer framer(1 << 20, 1 << 10);
    std::vector<std::string> responses = FrameAll(stream, chunk, &framer);
    ASSERT_EQ(responses.size(), 2u) << "chunk " << chunk;
    EXPECT_EQ(responses[0], first);
    EXPECT_EQ(responses[1], "mv2 OK Fetch completed.\r\n");
    EXPECT_EQ(framer.pending(), 0u);
  }
}

TEST(ImapResponseFramer, LimitsAreErrors) {
  ImapResponseFramer big_literal(100, 1000);
  big_literal.Feed("* 1 FETCH (BODY[] {101}\r\n");
  std::string r;
  EXPECT_FALSE(big_literal.Next(&r));
  EXPECT_NE(big_literal.error().find("literal"), std::string::npos);

  ImapResponseFramer long_line(100, 16);
  long_line.Feed(std::string(40, 'a'));
  EXPECT_FALSE(long_line.Next(&r));
  EXPECT_NE(long_line.error().find("line"), std::string::npos);
  long_line.Feed("\r\n");
  EXPECT_FALSE(long_line.Next(&r));  // stays failed

  // Many literals in one response may not add up to more than twice the limit.
  ImapResponseFramer many(10, 1000);
  many.Feed("* 1 X {10}\r\n0123456789 {10}\r\n0123456789 {10}\r\n0123456789)\r\n");
  EXPECT_FALSE(many.Next(&r));
  EXPECT_FALSE(many.error().empty());
}

TEST(ImapResponse, StatusResponsesWithCodes) {
  Result<ImapResponse> r = ParseImapResponse("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->tag, "*");
  EXPECT_EQ(r->status, "OK");
  EXPECT_EQ(r->code, "UIDVALIDITY 3857529045");
  EXPECT_EQ(r->status_text, "UIDs valid");
  Result<ImapResponse> no = ParseImapResponse("mv3 no [NONEXISTENT] Mailbox doesn't exist\r\n");
  ASSERT_TRUE(no.ok());
  EXPECT_EQ(no->tag, "mv3");
  EXPECT_EQ(no->status, "NO");
  EXPECT_EQ(no->status_text, "Mailbox doesn't exist");
}

TEST(ImapResponse, FetchWithEverythingAScanAsksFor) {
  const std::string wire =
      "* 12 FETCH (UID 4827313 RFC822.SIZE 44827 INTERNALDATE \" 7-Feb-1994 21:52:25 -0800\" "
      "FLAGS (\\Seen $Label1) MODSEQ (12121) BODY[] {11}\r\nHello\r\nBye.)\r\n";
  Result<ImapResponse> r = ParseImapResponse(wire);
  ASSERT_TRUE(r.ok()) << r.error();
  Result<std::optional<ImapFetch>> fetch = InterpretFetch(*r);
  ASSERT_TRUE(fetch.ok()) << fetch.error();
  ASSERT_TRUE(fetch->has_value());
  const ImapFetch& f = **fetch;
  EXPECT_EQ(f.sequence, 12u);
  EXPECT_EQ(f.uid, 4827313u);
  EXPECT_EQ(f.size, 44827u);
  EXPECT_EQ(f.internal_date, 760686745);  // 1994-02-08T05:52:25Z
  EXPECT_EQ(f.flags, (std::vector<std::string>{"\\Seen", "$Label1"}));
  ASSERT_TRUE(f.body.has_value());
  EXPECT_EQ(*f.body, "Hello\r\nBye.");
  // The body is a view into the response, not a copy.
  EXPECT_GE(f.body->data(), wire.data());
  EXPECT_LT(f.body->data(), wire.data() + wire.size());
}

TEST(ImapResponse, QuotedBodyAndEscapes) {
  Result<ImapResponse> r =
      ParseImapResponse("* 1 FETCH (UID 2 BODY[] \"a \\\"quoted\\\" \\\\ body\")\r\n");
  ASSERT_TRUE(r.ok()) << r.error();
  Result<std::optional<ImapFetch>> fetch = InterpretFetch(*r);
  ASSERT_TRUE(fetch.ok() && fetch->has_value());
  EXPECT_EQ(*(*fetch)->body, "a \"quoted\" \\ body");
}

TEST(ImapResponse, MalformedFetchItemsAreErrors) {
  for (const char* bad :
       {"* 1 FETCH (UID x)\r\n", "* 1 FETCH (UID 99999999999)\r\n", "* 1 FETCH (UID)\r\n",
        "* 1 FETCH (INTERNALDATE \"32-Feb-2020 00:00:00 +0000\")\r\n",
        "* 1 FETCH (INTERNALDATE \"junk\")\r\n", "* 1 FETCH (FLAGS \\Seen)\r\n",
        "* 1 FETCH (BODY[] NIL)\r\n", "* x FETCH (UID 1)\r\n", "* 1 FETCH UID\r\n"}) {
    Result<ImapResponse> r = ParseImapResponse(bad);
    ASSERT_TRUE(r.ok()) << bad << ": " << r.error();
    EXPECT_FALSE(InterpretFetch(*r).ok()) << bad;
  }
  Result<ImapResponse> exists = ParseImapResponse("* 3 EXISTS\r\n");
  ASSERT_TRUE(exists.ok());
  Result<std::optional<ImapFetch>> not_fetch = InterpretFetch(*exists);
  ASSERT_TRUE(not_fetch.ok());
  EXPECT_FALSE(not_fetch->has_value());
}

TEST(ImapResponse, MalformedSyntaxIsAnError) {
  for (const char* bad : {"* 1 FETCH (UID 1\r\n", "* 1 FETCH UID 1)\r\n", "* 1 X \"open\r\n",
                          "* 1 X {5}\r\nab", "* 1 X {5x}\r\nabcde\r\n", "* OK [UNCLOSED\r\n"}) {
    EXPECT_FALSE(ParseImapResponse(bad).ok()) << bad;
  }
  std::string deep = "* 1 X " + std::string(100, '(') + std::string(100, ')') + "\r\n";
  EXPECT_FALSE(ParseImapResponse(deep).ok());
}

TEST(ImapResponse, ListEntries) {
  Result<ImapResponse> r = ParseImapResponse("* LIST (\\HasNoChildren) \".\" \"Sent Items\"\r\n");
  ASSERT_TRUE(r.ok());
  std::optional<ImapListEntry> e = InterpretList(*r);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->name, "Sent Items");
  EXPECT_TRUE(e->selectable);
  Result<ImapResponse> noselect = ParseImapResponse("* LIST (\\Noselect) NIL {4}\r\nA\"b)\r\n");
  ASSERT_TRUE(noselect.ok()) << noselect.error();
  e = InterpretList(*noselect);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->name, "A\"b)");
  EXPECT_FALSE(e->selectable);
}

TEST(ImapResponse, InternalDate) {
  EXPECT_EQ(ParseInternalDate("17-Jul-1996 02:44:25 -0700"), 837596665);
  EXPECT_EQ(ParseInternalDate(" 1-Jan-1970 00:00:00 +0000"), 0);
  EXPECT_EQ(ParseInternalDate("01-jan-1970 01:00:00 +0100"), 0);
  EXPECT_FALSE(ParseInternalDate("17-Jul-1996 02:44:25").has_value());
  EXPECT_FALSE(ParseInternalDate("17-Jux-1996 02:44:25 -0700").has_value());
  EXPECT_FALSE(ParseInternalDate("").has_value());
}

TEST(ImapResponse, QuoteImapString) {
  EXPECT_EQ(QuoteImapString("INBOX"), "\"INBOX\"");
  EXPECT_EQ(QuoteImapString("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

}  // namespace
}  // namespace mv
