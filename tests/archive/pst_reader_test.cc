// The PST/OST reader against libpff's own export tool, pffexport (pff-tools), on the real samples
// in tests/archive/samples/pst (sources and licences in tests/archive/samples/SOURCES-outlook.md).
// pffexport writes one directory per item (Message00001, Meeting00003, ...: the number is the
// item's place in its folder), the transport headers it found as InternetHeaders.txt, the delivery
// time in OutlookHeaders.txt and, with -d, every property in ItemValues.txt. The reader must give
// one record for every item pffexport calls a Message and for any other item that has property
// 0x007D, in the same folders and order, with the same header bytes and delivery time.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <regex>

#include "archive/outlook_store.h"
#include "archive_test_util.h"
#include "message/header_index.h"

namespace mv {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;

std::string Sample(const std::string& name) {
  return std::string(MV_TEST_DATA) + "/archive/samples/pst/" + name;
}

struct ExportedItem {
  std::string folder;
  int number = 0;
  std::string kind;  // Message, Meeting, Contact, ...
  bool has_headers = false;
  std::optional<std::string> headers;  // InternetHeaders.txt
  std::optional<int64_t> delivery;     // OutlookHeaders.txt "Delivery time:"
};

// "Delivery time:\t\t\t\tJun 13, 2017 18:26:17.000000000 UTC" in UTC seconds.
std::optional<int64_t> DeliveryTime(const std::string& outlook_headers) {
  const size_t at = outlook_headers.find("Delivery time:");
  if (at == std::string::npos) return std::nullopt;
  const size_t start = outlook_headers.find_first_not_of('\t', at + 14);
  std::tm tm{};
  if (strptime(outlook_headers.c_str() + start, "%b %d, %Y %H:%M:%S", &tm) == nullptr) {
    return std::nullopt;
  }
  return static_cast<int64_t>(timegm(&tm));
}

// Every item directory of a pffexport tree, in folder and item order; attachments' embedded
// messages (below an Attachments directory) are parts of their message, not items. `dump` adds -d
// (ItemValues.txt, every property of an item).
std::vector<ExportedItem> Export(const std::string& pst, const std::string& dir, bool dump) {
  const std::string target = dir + (dump ? "/d" : "/x");
  const std::string cmd = std::string("pffexport -q ") + (dump ? "-d " : "") + "-m items -t '" +
                          target + "' '" + pst + "' >/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const fs::path root = target + ".export";
  const std::regex item_name("([A-Za-z]+)([0-9]{5})");
  std::vector<ExportedItem> items;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (!it->is_directory()) continue;
    const std::string name = it->path().filename().string();
    if (name == "Attachments") {
      it.disable_recursion_pending();
      continue;
    }
    std::smatch m;
    if (!std::regex_match(name, m, item_name)) continue;
    it.disable_recursion_pending();
    ExportedItem item;
    item.folder = fs::relative(it->path().parent_path(), root).string();
    if (item.folder == ".") item.folder.clear();
    item.kind = m[1];
    item.number = std::stoi(m[2]);
    if (fs::exists(it->path() / "InternetHeaders.txt")) {
      item.headers = ReadFile((it->path() / "InternetHeaders.txt").string());
    }
    const std::string values = ReadFile((it->path() / "ItemValues.txt").string());
    item.has_headers = item.headers.has_value() ||
                       values.find("Entry type:\t\t\t0x0000007d\n") != std::string::npos;
    // Messages have OutlookHeaders.txt; other kinds their own file (Meeting.txt, ...).
    const fs::path times = fs::exists(it->path() / "OutlookHeaders.txt")
                               ? it->path() / "OutlookHeaders.txt"
                               : it->path() / (item.kind + ".txt");
    item.delivery = DeliveryTime(ReadFile(times.string()));
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(), [](const ExportedItem& a, const ExportedItem& b) {
    return std::tie(a.folder, a.number) < std::tie(b.folder, b.number);
  });
  return items;
}

std::string FieldValue(std::string_view message, std::string_view name) {
  const HeaderIndex index = HeaderIndex::Build(message);
  const HeaderField* f = index.First(name);
  return f == nullptr ? "<none>" : std::string(f->value);
}

class PstSample : public ::testing::TestWithParam<std::string> {};

TEST_P(PstSample, SameItemsHeadersAndTimesAsPffexport) {
  const std::string path = Sample(GetParam());
  testing::TempDir dir;
  // pffexport writes InternetHeaders.txt for messages only, so whether another kind of item (a
  // meeting request) has transport headers comes from the -d dump. That is consulted for those
  // kinds only: with -d, pffexport 20180714 skips whole folders of some PSTs (DFRWS2009's Inbox
  // and Sent Items, "Skipped item ... of type: IPM") and numbers items differently.
  std::map<std::pair<std::string, std::string>, std::vector<bool>> dumped;
  for (const ExportedItem& item : Export(path, dir.path(), true)) {
    if (item.kind != "Message") dumped[{item.folder, item.kind}].push_back(item.has_headers);
  }
  std::map<std::pair<std::string, std::string>, size_t> rank;
  std::vector<ExportedItem> expected;
  for (ExportedItem& item : Export(path, dir.path(), false)) {
    if (item.kind != "Message") {
      const auto& flags = dumped[{item.folder, item.kind}];
      const size_t k = rank[{item.folder, item.kind}]++;
      item.has_headers = k < flags.size() && flags[k];
    }
    if (item.kind == "Message" || item.has_headers) expected.push_back(std::move(item));
  }

  const std::vector<testing::Record> records = testing::ReadPath(path);
  // Records by folder, in reader order (which is contents-table order within a folder).
  std::map<std::string, std::vector<const testing::Record*>> ours;
  for (const testing::Record& r : records) {
    ASSERT_FALSE(r.input_error) << r.read_error;
    EXPECT_EQ(r.provenance.source_format, GetParam().ends_with(".ost") ? "ost" : "pst");
    ours[r.provenance.folder].push_back(&r);
  }
  ASSERT_EQ(records.size(), expected.size());

  std::map<std::string, size_t> next;
  size_t with_headers = 0;
  for (const ExportedItem& item : expected) {
    SCOPED_TRACE(item.folder + " item " + std::to_string(item.number) + " " + item.kind);
    const auto& in_folder = ours[item.folder];
    const size_t k = next[item.folder]++;
    ASSERT_LT(k, in_folder.size());
    const testing::Record& r = *in_folder[k];
    EXPECT_EQ(r.provenance.received_at, item.delivery);
    if (!item.has_headers) {
      EXPECT_TRUE(r.bytes.empty());
      EXPECT_NE(r.read_error.find("no transport headers"), std::string::npos) << r.read_error;
      continue;
    }
    ++with_headers;
    EXPECT_EQ(r.provenance.mime, "headers-only");
    EXPECT_TRUE(r.read_error.empty()) << r.read_error;
    EXPECT_EQ(r.provenance.received_at_source, item.delivery ? "pst-delivery-time" : "");
    if (!item.headers) continue;  // pffexport writes no InternetHeaders.txt for meetings
    // pffexport writes the property as it is; the reader keeps the header section of it.
    const std::string& exported = *item.headers;
    const size_t end = exported.find("\r\n\r\n");
    EXPECT_EQ(r.bytes, end == std::string::npos ? exported + "\r\n" : exported.substr(0, end + 4));
    for (const char* name : {"From", "Subject", "Date"}) {
      EXPECT_EQ(FieldValue(r.bytes, name), FieldValue(exported, name)) << name;
    }
  }
  for (const auto& [folder, list] : ours) EXPECT_EQ(next[folder], list.size()) << folder;
  RecordProperty("records", static_cast<int>(records.size()));
  RecordProperty("with_headers", static_cast<int>(with_headers));
}

INSTANTIATE_TEST_SUITE_P(
    Samples, PstSample,
    ::testing::Values("aspose-net__SampleOstFile.ost", "go-pst__32-bit.pst", "go-pst__support.pst",
                      "hughbe-pstreader__DFRWS2009-Outlook-Email.pst",
                      "hughbe-pstreader__backup.pst", "hughbe-pstreader__backup_with_rules.pst",
                      "java-libpst__dist-list.pst", "java-libpst__passworded.pst",
                      "tghanem-pst__user1@test.lab.pst"),
    [](const ::testing::TestParamInfo<std::string>& info) {
      std::string name = info.param.substr(0, info.param.find('.'));
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

// The shared collection's SOURCES.md (../shared/formats) count of items with
// PR_TRANSPORT_MESSAGE_HEADERS per sample (from a listing independent of libpff): the records that
// carry a header block must be exactly those.
TEST(PstSamples, HeaderCountsFromSourcesMd) {
  const std::map<std::string, size_t> table = {
      {"aspose-net__SampleOstFile.ost", 72},
      {"go-pst__32-bit.pst", 0},
      {"go-pst__support.pst", 17},
      {"hughbe-pstreader__DFRWS2009-Outlook-Email.pst", 13},
      {"hughbe-pstreader__backup.pst", 1},
      {"hughbe-pstreader__backup_with_rules.pst", 3},
      {"java-libpst__dist-list.pst", 0},
      {"java-libpst__passworded.pst", 0},
      {"tghanem-pst__user1@test.lab.pst", 6},
  };
  for (const auto& [name, count] : table) {
    size_t headers = 0;
    for (const testing::Record& r : testing::ReadPath(Sample(name))) {
      headers += r.read_error.empty() && !r.bytes.empty() ? 1 : 0;
    }
    EXPECT_EQ(headers, count) << name;
  }
}

}  // namespace
}  // namespace mv
