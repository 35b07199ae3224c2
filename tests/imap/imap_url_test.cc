// ParseImapUrl: the parts of imap:// and imaps:// inputs, and the URLs records show.
#include "imap/imap_url.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

TEST(ImapUrl, FullUrl) {
  Result<ImapUrl> url = ParseImapUrl("imaps://alice%40corp@mail.example.org:1993/Archive/2024");
  ASSERT_TRUE(url.ok()) << url.error();
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->user, "alice@corp");
  EXPECT_EQ(url->host, "mail.example.org");
  EXPECT_EQ(url->port, 1993);
  EXPECT_EQ(url->mailbox, "Archive/2024");
  EXPECT_EQ(url->ServerUrl(), "imaps://mail.example.org:1993/");
  EXPECT_EQ(url->Display(url->mailbox), "imaps://alice%40corp@mail.example.org:1993/Archive/2024");
}

TEST(ImapUrl, DefaultsAndSchemeCase) {
  Result<ImapUrl> plain = ParseImapUrl("IMAP://bob@127.0.0.1");
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->port, 143);
  EXPECT_EQ(plain->mailbox, "INBOX");
  Result<ImapUrl> tls = ParseImapUrl("imaps://[::1]/*");
  ASSERT_TRUE(tls.ok()) << tls.error();
  EXPECT_EQ(tls->host, "[::1]");
  EXPECT_EQ(tls->port, 993);
  EXPECT_EQ(tls->mailbox, "*");
  EXPECT_EQ(tls->Display("Sent Items"), "imaps://[::1]:993/Sent%20Items");
}

TEST(ImapUrl, PasswordIsRefusedAndNotEchoed) {
  Result<ImapUrl> url = ParseImapUrl("imap://bob:hunter2@host/INBOX");
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.error().find("password"), std::string::npos);
  EXPECT_EQ(url.error().find("hunter2"), std::string::npos);
}

TEST(ImapUrl, RefusePasswordInUrlBeforeTheScan) {
  const Status refused = RefusePasswordInUrl("imaps://bob:hunter2@host/INBOX");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.message().find("hunter2"), std::string::npos);
  EXPECT_TRUE(RefusePasswordInUrl("imaps://bob@host/a:b@c").ok());  // ':' in the mailbox is fine
  EXPECT_TRUE(RefusePasswordInUrl("imap://host:143/").ok());
  EXPECT_TRUE(RefusePasswordInUrl("user:pass@file.mbox").ok());  // not a URL: a path
}

TEST(ImapUrl, Rejects) {
  for (const char* bad : {"http://host/INBOX", "imap:///INBOX", "imap://host:0/", "imap://host:x/",
                          "imap://host:65536/", "imap://[::1/", "imap://host/INBOX;UID=5",
                          "imap://host/a%0Db", "imap://host/%zz", "imap://ho st/"}) {
    EXPECT_FALSE(ParseImapUrl(bad).ok()) << bad;
  }
  EXPECT_TRUE(IsImapUrl("imaps://x/"));
  EXPECT_FALSE(IsImapUrl("imap.mbox"));
  EXPECT_FALSE(IsImapUrl("./imap://x"));
}

}  // namespace
}  // namespace mv
