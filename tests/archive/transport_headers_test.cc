// TransportHeadersToMessage, AssembleSignedMime and FiletimeToUnix on hand-made property values:
// the byte-level steps the PST and MSG readers share (the real samples are in pst_reader_test.cc
// and msg_reader_test.cc). Each case is one way Outlook or Exchange stores the header block.
#include "archive/transport_headers.h"

#include <gtest/gtest.h>

#include <string>

namespace mv {
namespace {

std::string Utf16Le(std::u16string_view text) {
  std::string out;
  for (char16_t c : text) {
    out.push_back(static_cast<char>(c & 0xFF));
    out.push_back(static_cast<char>(c >> 8));
  }
  return out;
}

std::string String8(std::string_view value) {
  return TransportHeadersToMessage(value, MapiStringType::kString8);
}

TEST(TransportHeaders, BareLfBecomesCrlfAndTheBlockEndsInOneEmptyLine) {
  EXPECT_EQ(String8("From: a@example.org\nSubject: hi\n  folded\n"),
            "From: a@example.org\r\nSubject: hi\r\n  folded\r\n\r\n");
  EXPECT_EQ(String8("From: a@example.org\r\nTo: b@example.com"),
            "From: a@example.org\r\nTo: b@example.com\r\n\r\n");
}

TEST(TransportHeaders, CutAtTheFirstEmptyLineAndAtTheFirstNul) {
  // Some stores append the first MIME part's headers after an empty line.
  EXPECT_EQ(String8("From: a@example.org\r\n\r\nContent-Type: text/plain\r\n\r\n"),
            "From: a@example.org\r\n\r\n");
  static constexpr char kWithNul[] = "From: a@example.org\r\n\0X: junk\r\n";
  EXPECT_EQ(String8(std::string_view(kWithNul, sizeof kWithNul - 1)),
            "From: a@example.org\r\n\r\n");
}

TEST(TransportHeaders, ExchangePreamblesAndLeadingEmptyLinesAreDropped) {
  EXPECT_EQ(String8("Microsoft Mail Internet Headers Version 2.0\r\nFrom: a@example.org\r\n"),
            "From: a@example.org\r\n\r\n");
  // Repeated, or after empty lines: the result must not start with a line that is no field, and
  // converting the result again must change nothing.
  const std::string twice = String8(
      "\r\nMicrosoft Mail Internet Headers Version 2.0\r\n\r\n"
      "microsoft mail internet headers version 2.0\nFrom: a@example.org\n");
  EXPECT_EQ(twice, "From: a@example.org\r\n\r\n");
  EXPECT_EQ(String8(twice), twice);
  EXPECT_EQ(String8("Microsoft Mail Internet Headers Version 2.0\r\n\r\n"), "");
}

TEST(TransportHeaders, Utf16IsDecodedToUtf8UpToItsNul) {
  const std::string value = Utf16Le(u"Subject: caf\u00e9 \U0001F600\r\nFrom: a@example.org\r\n") +
                            std::string(4, '\0') + Utf16Le(u"X: after the NUL\r\n");
  EXPECT_EQ(TransportHeadersToMessage(value, MapiStringType::kUnicode),
            "Subject: caf\xc3\xa9 \xf0\x9f\x98\x80\r\nFrom: a@example.org\r\n\r\n");
  // An unpaired surrogate is U+FFFD; an odd last byte is dropped.
  std::string lone = Utf16Le(u"X: ") + std::string("\x00\xd8", 2) + Utf16Le(u"y") + "\x41";
  EXPECT_EQ(TransportHeadersToMessage(lone, MapiStringType::kUnicode), "X: \xef\xbf\xbdy\r\n\r\n");
}

TEST(TransportHeaders, String8KeepsEightBitBytesAsStored) {
  EXPECT_EQ(String8("Subject: \xe9t\xe9\r\n"), "Subject: \xe9t\xe9\r\n\r\n");
}

TEST(TransportHeaders, NothingLeftIsEmpty) {
  EXPECT_EQ(String8(""), "");
  EXPECT_EQ(String8("\r\n\r\n"), "");
  EXPECT_EQ(TransportHeadersToMessage(std::string(6, '\0'), MapiStringType::kUnicode), "");
}

TEST(SignedMime, TheEntityBodyFollowsTheHeadersWhenTheBoundariesAgree) {
  const std::string headers = String8(
      "From: a@example.org\r\nContent-Type: multipart/signed;\r\n"
      "\tprotocol=\"application/pkcs7-signature\"; boundary=\"b1\"\r\n");
  const std::string entity =
      "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n"
      " boundary=\"b1\"\r\n\r\n--b1\r\nsigned part\r\n--b1--\r\n";
  const std::optional<std::string> original = AssembleSignedMime(headers, entity);
  ASSERT_TRUE(original.has_value());
  EXPECT_EQ(*original, headers + "--b1\r\nsigned part\r\n--b1--\r\n");

  std::string other = entity;
  other.replace(other.find("b1\""), 2, "b2");
  EXPECT_FALSE(AssembleSignedMime(headers, other).has_value()) << "boundary differs";
  EXPECT_FALSE(AssembleSignedMime(headers, "Content-Type: text/plain\r\n\r\nx").has_value());
  EXPECT_FALSE(
      AssembleSignedMime(headers, "Content-Type: multipart/signed; boundary=b1\r\n").has_value())
      << "no empty line: no body";
}

TEST(Filetime, UnixSecondsWithinTheUsableRange) {
  constexpr uint64_t kTicks = 10'000'000;
  constexpr uint64_t kEpoch = 11'644'473'600;
  EXPECT_EQ(FiletimeToUnix((kEpoch + 1'246'815'009) * kTicks + 1234), 1'246'815'009);
  EXPECT_EQ(FiletimeToUnix(kEpoch * kTicks), 0);
  EXPECT_FALSE(FiletimeToUnix(0).has_value());
  EXPECT_FALSE(FiletimeToUnix(kEpoch * kTicks - 1).has_value()) << "before 1970";
  EXPECT_FALSE(FiletimeToUnix(UINT64_MAX).has_value()) << "after 9999";
}

}  // namespace
}  // namespace mv
