#include "message/header_index.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

TEST(HeaderIndex, IndexesFoldedFieldsExactly) {
  const std::string m =
      "From: a@example.com\r\nSubject: one\r\n two\r\nX-Empty:\r\n\r\nbody\r\n";
  HeaderIndex h = HeaderIndex::Build(m);
  ASSERT_EQ(h.fields().size(), 3u);
  EXPECT_EQ(h.fields()[1].name, "Subject");
  EXPECT_EQ(h.fields()[1].value, " one\r\n two");
  EXPECT_EQ(h.fields()[1].raw, "Subject: one\r\n two");
  EXPECT_EQ(h.fields()[1].offset, 21u);
  EXPECT_EQ(h.fields()[2].value, "");
  EXPECT_EQ(h.body(), "body\r\n");
  EXPECT_TRUE(h.has_body_separator());
  EXPECT_FALSE(h.lf_line_ends());
  EXPECT_TRUE(h.error().empty());
}

TEST(HeaderIndex, LfOnlyMessages) {
  HeaderIndex h = HeaderIndex::Build("A: 1\nB: 2\n\tfold\n\nbody\n");
  ASSERT_EQ(h.fields().size(), 2u);
  EXPECT_EQ(h.fields()[1].value, " 2\n\tfold");
  EXPECT_TRUE(h.lf_line_ends());
  EXPECT_EQ(h.body(), "body\n");
}

TEST(HeaderIndex, CaseInsensitiveLookupTopmostFirst) {
  HeaderIndex h = HeaderIndex::Build("received: x\r\nReceived: y\r\n\r\n");
  ASSERT_NE(h.First("RECEIVED"), nullptr);
  EXPECT_EQ(h.First("RECEIVED")->value, " x");
  EXPECT_EQ(h.All("Received").size(), 2u);
  EXPECT_EQ(h.Count("received"), 2u);
  EXPECT_EQ(h.First("From"), nullptr);
}

TEST(HeaderIndex, LineWithoutColonIsAnErrorButIndexingGoesOn) {
  HeaderIndex h = HeaderIndex::Build("A: 1\r\nno colon here\r\nB: 2\r\n\r\nx");
  EXPECT_NE(h.error().find("without a colon at offset 6"), std::string::npos);
  ASSERT_EQ(h.fields().size(), 2u);
  EXPECT_EQ(h.fields()[1].name, "B");
}

TEST(HeaderIndex, MissingSeparatorAndNulAreErrors) {
  EXPECT_NE(HeaderIndex::Build("A: 1\r\n").error().find("no empty line"), std::string::npos);
  EXPECT_NE(HeaderIndex::Build(std::string("A: \0\r\n\r\n", 8)).error().find("NUL"),
            std::string::npos);
  HeaderIndex empty = HeaderIndex::Build("");
  EXPECT_TRUE(empty.fields().empty());
}

TEST(HeaderIndex, NameKeepsNoBlanksBeforeColonAndLastLineWithoutNewline) {
  HeaderIndex h = HeaderIndex::Build("Subject :hi\r\nX: last");
  ASSERT_EQ(h.fields().size(), 2u);
  EXPECT_EQ(h.fields()[0].name, "Subject");
  EXPECT_EQ(h.fields()[0].value, "hi");
  EXPECT_EQ(h.fields()[1].raw, "X: last");
}

}  // namespace
}  // namespace mv
