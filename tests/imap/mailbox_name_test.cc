// Modified UTF-7 mailbox names (RFC 3501 5.1.3). The expected wire forms are RFC 3501's own
// example and, for the rest, Python's UTF-16-BE + base64 with "," for "/" (an independent
// encoder), not output of this code.
#include "imap/mailbox_name.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

struct Pair {
  const char* utf8;
  const char* wire;
};

constexpr Pair kPairs[] = {
    // RFC 3501 5.1.3: "a mailbox name which mixes English, Japanese, and Chinese text".
    {"~peter/mail/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E/\xE5\x8F\xB0\xE5\x8C\x97",
     "~peter/mail/&ZeVnLIqe-/&U,BTFw-"},
    {"INBOX", "INBOX"},
    {"", ""},
    {"Tom & Jerry", "Tom &- Jerry"},      // "&" is "&-"
    {"\xC3\xA9", "&AOk-"},                // e acute: 2 bits of padding
    {"Entw\xC3\xBCrfe", "Entw&APw-rfe"},  // back to ASCII mid-name
    {"a\x7F"
     "b",
     "a&AH8-b"},                       // DEL is not printable: shifted
    {"\xF0\x9F\x98\x80", "&2D3eAA-"},  // U+1F600: a surrogate pair
    {"\xD0\x92\xD1\x85\xD0\xBE\xD0\xB4\xD1\x8F\xD1\x89\xD0\xB8\xD0\xB5/"
     "\xD0\x9E\xD1\x82\xD0\xBF\xD1\x80\xD0\xB0\xD0\xB2\xD0\xBB\xD0\xB5\xD0\xBD\xD0\xBD\xD1\x8B"
     "\xD0\xB5",
     "&BBIERQQ+BDQETwRJBDgENQ-/&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"},  // "+" and "," in BASE64
};

TEST(MailboxName, EncodesAsRfc3501) {
  for (const Pair& p : kPairs) {
    Result<std::string> wire = EncodeMailboxName(p.utf8);
    ASSERT_TRUE(wire.ok()) << p.utf8 << ": " << wire.error();
    EXPECT_EQ(*wire, p.wire) << p.utf8;
  }
}

TEST(MailboxName, DecodesAsRfc3501) {
  for (const Pair& p : kPairs) {
    Result<std::string> name = DecodeMailboxName(p.wire);
    ASSERT_TRUE(name.ok()) << p.wire << ": " << name.error();
    EXPECT_EQ(*name, p.utf8) << p.wire;
  }
}

TEST(MailboxName, RefusesBytesThatAreNotUtf8) {
  for (std::string_view bad : {std::string_view("\xC3"), std::string_view("\xC0\xAF"),  // overlong
                               std::string_view("\xED\xA0\x80"),      // a surrogate
                               std::string_view("\xF4\x90\x80\x80"),  // past U+10FFFF
                               std::string_view("a\xFF")}) {
    EXPECT_FALSE(EncodeMailboxName(bad).ok()) << testing::PrintToString(std::string(bad));
  }
}

TEST(MailboxName, RefusesWireNamesThatAreNotModifiedUtf7) {
  for (const char* bad : {
           "&AOk",         // never shifts back
           "&AO-",         // ends inside a UTF-16 unit
           "&AOl-",        // padding bits set
           "&AE4-",        // "N": printable ASCII must stand for itself
           "&2D0-",        // a high surrogate alone
           "&3gA-",        // a low surrogate alone
           "&A/k-",        // "/" is plain BASE64, not the modified alphabet
           "caf\xC3\xA9",  // 8-bit bytes are never on the wire
       }) {
    EXPECT_FALSE(DecodeMailboxName(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace mv
