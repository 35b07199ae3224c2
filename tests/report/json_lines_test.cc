#include "report/json_lines.h"

#include <gtest/gtest.h>

#include "mini_json.h"
#include "report/record_format.h"
#include "report/summary.h"

namespace mv {
namespace {

using testing::JsonParser;
using testing::JsonValue;

RawMessage Message(const std::string& text, uint64_t index = 0) {
  auto owned = std::make_shared<std::string>(text);
  RawMessage m;
  m.buffer = owned;
  m.bytes = *owned;
  m.provenance.source = "archive.mbox";
  m.provenance.index = index;
  m.provenance.offset = 1000 + index;
  m.provenance.size = owned->size();
  return m;
}

MessageRecord RecordFor(const RawMessage& m) {
  MessageRecord r;
  FillBasicFields(m, HeaderIndex::Build(m.bytes), &r);
  return r;
}

JsonValue Line(const MessageRecord& r) {
  std::string out;
  AppendJsonLine(r, &out);
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1) << "one line per record";
  std::optional<JsonValue> v = JsonParser::Parse(out);
  EXPECT_TRUE(v.has_value()) << out;
  return v.value_or(JsonValue());
}

TEST(FillBasicFields, TakesDisplayFieldsFromHeaders) {
  RawMessage m = Message(
      "From: =?utf-8?q?J=C3=B6rg?= <j@example.org>\r\n"
      "Subject: =?utf-8?b?w7xiZXI=?= alles\r\n"
      "Message-ID:\r\n <abc.123@example.org> \r\n"
      "Date: Fri, 21 Nov 1997 09:55:06 -0600\r\n"
      "\r\nbody\r\n",
      7);
  MessageRecord r = RecordFor(m);
  EXPECT_EQ(r.provenance.source, "archive.mbox");
  EXPECT_EQ(r.provenance.index, 7u);
  EXPECT_EQ(r.message_id, "<abc.123@example.org>");
  EXPECT_EQ(r.from, "J\xC3\xB6rg <j@example.org>");
  EXPECT_EQ(r.subject,
            "\xC3\xBC"
            "ber alles");
  EXPECT_EQ(r.date, "1997-11-21T15:55:06Z");
  EXPECT_FALSE(r.date_raw.has_value());
  EXPECT_EQ(r.error, "");
}

TEST(FillBasicFields, MissingHeadersUnparsableDateAndErrors) {
  RawMessage m = Message("Date: sometime last week\nX-Other: 1\n\xFFno colon here\n\nbody\n");
  m.read_error = "truncated";
  MessageRecord r = RecordFor(m);
  EXPECT_FALSE(r.message_id.has_value());
  EXPECT_FALSE(r.from.has_value());
  EXPECT_FALSE(r.subject.has_value());
  EXPECT_FALSE(r.date.has_value());
  EXPECT_EQ(r.date_raw, "sometime last week");
  EXPECT_EQ(r.error, "truncated; header line without a colon at offset 36");
}

TEST(AppendJsonLine, WritesFieldsInOrderWithNullsForMissingHeaders) {
  RawMessage m = Message("Subject: hi \"there\"\n\n", 3);
  MessageRecord r = RecordFor(m);
  r.AddMember("dkim", R"([{"result":"pass"}])");
  r.AddMember("spf", R"({"result":"none"})");
  JsonValue v = Line(r);
  std::vector<std::string> keys;
  for (const auto& [k, unused] : v.members) keys.push_back(k);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"schema_version", "source", "index", "offset", "size",
                                      "message_id", "from", "subject", "date", "dkim", "spf"}));
  EXPECT_EQ(v.Int("schema_version"), kRecordSchemaVersion);
  EXPECT_EQ(v.Str("source"), "archive.mbox");
  EXPECT_EQ(v.Int("index"), 3);
  EXPECT_EQ(v.Int("offset"), 1003);
  EXPECT_EQ(v.Int("size"), static_cast<int64_t>(m.bytes.size()));
  EXPECT_TRUE(v.Get("message_id")->is_null());
  EXPECT_TRUE(v.Get("date")->is_null());
  EXPECT_EQ(v.Str("subject"), "hi \"there\"");
  ASSERT_EQ(v.Get("dkim")->items.size(), 1u);
  EXPECT_EQ(v.Get("dkim")->items[0].Str("result"), "pass");
  EXPECT_EQ(v.Get("spf")->Str("result"), "none");
}

TEST(AppendJsonLine, DateRawAndErrorAppearOnlyWhenNeeded) {
  MessageRecord r = RecordFor(Message("Date: not a date\nbroken\n\n"));
  JsonValue v = Line(r);
  EXPECT_TRUE(v.Get("date")->is_null());
  EXPECT_EQ(v.Str("date_raw"), "not a date");
  EXPECT_EQ(v.Str("error"), "header line without a colon at offset 17");

  JsonValue clean = Line(RecordFor(Message("Date: 1 Jan 2000 00:00:00 +0000\n\n")));
  EXPECT_EQ(clean.Str("date"), "2000-01-01T00:00:00Z");
  EXPECT_FALSE(clean.Has("date_raw"));
  EXPECT_FALSE(clean.Has("error"));
}

TEST(AppendJsonLine, AnyBytesGiveValidJson) {
  std::string hostile = "Subject: ";
  for (int c = 1; c < 256; ++c) {
    if (c != '\n' && c != '\r') hostile.push_back(static_cast<char>(c));
  }
  hostile += "\nFrom: =?utf-8?q?=00=01=1F=22=5C?=\n\n";
  JsonValue v = Line(RecordFor(Message(hostile)));
  EXPECT_EQ(v.Str("from"), std::string("\0\x01\x1F\"\\", 5));
  EXPECT_EQ(v.Str("subject").substr(0, 4), "\x01\x02\x03\x04");
}

TEST(AppendJsonLine, InputErrorRecord) {
  RawMessage m;
  m.provenance.source = "missing.mbox";
  m.input_error = true;
  m.read_error = "missing.mbox: No such file or directory";
  MessageRecord r = RecordFor(m);
  JsonValue v = Line(r);
  ASSERT_EQ(v.members.size(), 5u);
  EXPECT_EQ(v.Int("schema_version"), kRecordSchemaVersion);
  EXPECT_EQ(v.Str("source"), "missing.mbox");
  EXPECT_TRUE(v.Get("input_error")->boolean);
  // It failed before its format was known.
  EXPECT_EQ(v.Str("source_format"), "unknown");
  EXPECT_EQ(v.Str("error"), "missing.mbox: No such file or directory");
}

TEST(AppendJsonLine, InputErrorRecordSaysWhatTheInputWasTakenFor) {
  RawMessage m;
  m.provenance.source = "mail.pst";
  m.provenance.source_format = "pst";
  m.provenance.folder = "Inbox";  // not reported for a whole input that failed
  m.input_error = true;
  m.read_error = "mail.pst: cannot open pst (corrupt or unsupported)";
  std::string line;
  AppendJsonLine(RecordFor(m), &line);
  EXPECT_EQ(line, R"j({"source":"mail.pst","input_error":true,"source_format":"pst",)j"
                  R"j("error":"mail.pst: cannot open pst (corrupt or unsupported)"})j"
                  "\n");
  Result<MessageRecord> back = RecordFromJsonLine(line.substr(0, line.size() - 1));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->input_error);
  EXPECT_EQ(back->provenance.source_format, "pst");
}

// A merged scale-out result is loaded into SQLite through RecordFromJsonLine: reading a line back
// and writing it again must give the same bytes, whatever the fields hold.
TEST(RecordFromJsonLine, InvertsAppendJsonLine) {
  std::vector<MessageRecord> records(3);
  records[0].provenance.source = "dir/\xff odd \"name\".mbox";
  records[0].provenance.index = 7;
  records[0].provenance.offset = 123456789012;
  records[0].provenance.size = 4096;
  records[0].message_id = "<id@example.com>";
  records[0].from = "Ann \xc3\xa9 <a@example.com>";
  records[0].subject = std::string("tab\there\0nul", 13);
  records[0].date_raw = "someday";
  records[0].error = "header line without a colon at offset 6";
  records[0].AddMember("dkim", R"([{"d":"example.com","l":null,"key_bits":2048,"h":["from"]}])");
  records[0].AddMember("spf", R"({"result":"pass","lookups":3,"explanation":null})");
  records[0].AddMember("auth_results", R"("mx; dkim=pass header.d=example.com")");
  records[1].provenance.source = "gone.mbox";
  records[1].input_error = true;
  records[1].error = "gone.mbox: No such file or directory";
  records[2].provenance.source = "b.mbox";
  records[2].provenance.index = 0;
  records[2].provenance.offset = 0;
  records[2].provenance.size = 10;
  records[2].date = "2024-01-01T00:00:00Z";
  records[2].provenance.source_format = "mbox";
  records[2].provenance.labels = {"Inbox", "Work, old"};
  records[2].provenance.gmail_thread_id = "1773664405479613283";
  for (const MessageRecord& r : records) {
    std::string line;
    AppendJsonLine(r, &line);
    Result<MessageRecord> back = RecordFromJsonLine(line.substr(0, line.size() - 1));
    ASSERT_TRUE(back.ok()) << back.error() << "\n" << line;
    std::string again;
    AppendJsonLine(*back, &again);
    EXPECT_EQ(again, line);
    EXPECT_EQ(back->provenance.offset, r.provenance.offset);
    EXPECT_EQ(back->provenance.gmail_thread_id, r.provenance.gmail_thread_id);
  }
  Result<MessageRecord> with_ar = RecordFromJsonLine(R"({"source":"a","auth_results":"mx; none"})");
  ASSERT_TRUE(with_ar.ok());
  EXPECT_EQ(with_ar->auth_results, std::optional<std::string>("mx; none"));
  // A line read back keeps no schema_version of its own: writing it again gives one, the current.
  Result<MessageRecord> versioned =
      RecordFromJsonLine(R"({"schema_version":1,"source":"a","input_error":true,"error":"e"})");
  ASSERT_TRUE(versioned.ok());
  EXPECT_TRUE(versioned->members.empty());
  EXPECT_FALSE(RecordFromJsonLine("[1,2]").ok());
  EXPECT_FALSE(RecordFromJsonLine("{\"source\":").ok());
}

TEST(MessageRecord, CountersAndErrorsAccumulate) {
  MessageRecord r;
  r.Count("dkim.pass");
  r.Count("dkim.fail", 2);
  r.Count("dkim.pass");
  EXPECT_EQ(r.counters,
            (std::vector<std::pair<std::string, uint64_t>>{{"dkim.pass", 2}, {"dkim.fail", 2}}));
  // A result counter is the same counter as its full name; near names stay apart.
  r.CountResult("dkim", "pass");
  r.CountResult("dkim", "passx");
  r.CountResult("dki", "m.pass");
  r.CountResult("spf", "pass");
  r.Count("spf.pass");
  EXPECT_EQ(r.counters, (std::vector<std::pair<std::string, uint64_t>>{{"dkim.pass", 3},
                                                                       {"dkim.fail", 2},
                                                                       {"dkim.passx", 1},
                                                                       {"dki.m.pass", 1},
                                                                       {"spf.pass", 2}}));
  r.AddError("first");
  r.AddError("");
  r.AddError("second");
  EXPECT_EQ(r.error, "first; second");
}

TEST(RunSummary, AddsRecordsAndFormats) {
  RunSummary s;
  MessageRecord a;
  a.provenance.size = 1500000;
  a.Count("dkim.pass");
  MessageRecord b;
  b.provenance.size = 500000;
  b.error = "broken";
  b.Count("dkim.pass");
  b.Count("spf.fail");
  MessageRecord input;
  input.input_error = true;
  input.error = "gone";
  for (const MessageRecord* r : {&a, &b, &input}) s.Add(*r);
  EXPECT_EQ(s.messages(), 2u);
  EXPECT_EQ(s.bytes(), 2000000u);
  EXPECT_EQ(s.errors(), 1u);
  EXPECT_EQ(s.input_errors(), 1u);
  EXPECT_EQ(s.counters().at("dkim.pass"), 2u);
  EXPECT_EQ(
      s.Format(2.0),
      "mailverify: 2 messages, 2.00 MB, 1 error, 1 input error in 2.00 s (1 msgs/s, 1.00 MB/s)\n"
      "  dkim.pass: 2\n"
      "  spf.fail: 1\n");
  EXPECT_EQ(s.FormatProgress(4.0), "2 messages, 2.0 MB, 1 errors, 0 msgs/s, 0.5 MB/s");
}

}  // namespace
}  // namespace mv
