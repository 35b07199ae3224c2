#include "evidence/bag_verifier.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "evidence/bag_layout.h"
#include "evidence/durable_file.h"
#include "evidence/ed25519_key.h"
#include "evidence/message_hash_check.h"
#include "evidence/timestamp.h"
#include "scaleout/sha256.h"

namespace mv {
namespace fs = std::filesystem;

namespace {

// RFC 8493 2.1.3: manifests percent-encode CR, LF and '%' in paths; nothing else is decoded.
std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const std::string_view code = s[i] == '%' ? s.substr(i + 1, 2) : std::string_view();
    if (code == "0D" || code == "0d") {
      out.push_back('\r');
    } else if (code == "0A" || code == "0a") {
      out.push_back('\n');
    } else if (code == "25") {
      out.push_back('%');
    } else {
      out.push_back(s[i]);
      continue;
    }
    i += 2;
  }
  return out;
}

// Checks every line of the manifest `name` against the files it lists; returns the paths listed.
std::set<std::string> CheckManifest(const std::string& dir, const std::string& name, bool payload,
                                    BagReport* report) {
  std::set<std::string> listed;
  Result<std::string> text = ReadWholeFile(dir + "/" + name);
  if (!text.ok()) {
    report->Fail(name + ": missing or unreadable");
    return listed;
  }
  size_t good = 0;
  size_t line_no = 0;
  for (size_t pos = 0; pos < text->size();) {
    size_t end = text->find('\n', pos);
    if (end == std::string::npos) end = text->size();
    std::string_view line(text->data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const size_t gap = line.find_first_of(" \t");
    const size_t path_at =
        gap == std::string_view::npos ? gap : line.find_first_not_of(" \t*", gap);
    if (path_at == std::string_view::npos || gap != 64) {
      report->Fail(name + ": line " + std::to_string(line_no) + " is not 'SHA256  PATH'");
      continue;
    }
    const std::string hex(line.substr(0, 64));
    const std::string path = PercentDecode(line.substr(path_at));
    const bool in_data = path.starts_with("data/");
    if (path.find("..") != std::string::npos || path.starts_with("/") || in_data != payload) {
      report->Fail(name + ": line " + std::to_string(line_no) + " names " + path +
                   (payload ? ", which is not under data/" : ", which is not a tag file"));
      continue;
    }
    if (!listed.insert(path).second) {
      report->Fail(name + ": lists " + path + " twice");
      continue;
    }
    Result<std::string> sha = Sha256OfFile(dir + "/" + path);
    if (!sha.ok()) {
      report->Fail(path + ": listed in " + name + " but missing or unreadable");
    } else if (*sha != hex) {
      report->Fail(path + ": sha256 differs from the one in " + name + " (file or " + name +
                   " changed)");
    } else {
      ++good;
    }
  }
  report->Pass(name + ": " + std::to_string(good) + " of " + std::to_string(listed.size()) +
               " checksums hold");
  return listed;
}

void CheckBagit(const std::string& dir, BagReport* report) {
  Result<std::string> text = ReadWholeFile(dir + "/" + bag::kBagit);
  if (!text.ok()) {
    report->Fail(std::string(bag::kBagit) + ": missing (not a bag)");
  } else if (!text->starts_with("BagIt-Version: 1.0\n") ||
             text->find("Tag-File-Character-Encoding: UTF-8\n") == std::string::npos) {
    report->Fail(std::string(bag::kBagit) + ": not a BagIt 1.0 declaration in UTF-8");
  } else {
    report->Pass(std::string(bag::kBagit) + ": BagIt 1.0");
  }
}

// Payload-Oxum of bag-info.txt against the payload as it is.
void CheckOxum(const std::string& dir, BagReport* report) {
  uint64_t octets = 0, files = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir + "/data", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      octets += it->file_size(ec);
      ++files;
    }
  }
  Result<std::string> info = ReadWholeFile(dir + "/" + bag::kBagInfo);
  const std::string want = "Payload-Oxum: " + std::to_string(octets) + "." + std::to_string(files);
  if (!info.ok()) {
    report->Fail(std::string(bag::kBagInfo) + ": missing");
  } else if (info->find(want + "\n") == std::string::npos) {
    report->Fail(std::string(bag::kBagInfo) + ": Payload-Oxum is not the payload's " +
                 want.substr(14));
  } else {
    report->Pass(std::string(bag::kBagInfo) + ": " + want);
  }
}

// Every file under data/ is in the payload manifest; every other file is a known tag file.
void CheckCompleteness(const std::string& dir, const std::set<std::string>& payload,
                       const std::set<std::string>& tags, BagReport* report) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string rel = fs::relative(it->path(), dir).string();
    if (rel.starts_with("data/")) {
      if (!payload.contains(rel)) report->Fail(rel + ": in data/ but not in manifest-sha256.txt");
      continue;
    }
    static const std::set<std::string> kOwnChecks = {bag::kTagManifest, bag::kSignature,
                                                     bag::kKeyFingerprint, bag::kTimestampRequest,
                                                     bag::kTimestampReply};
    if (!tags.contains(rel) && !kOwnChecks.contains(rel)) {
      report->Fail(rel + ": a file no manifest, signature or timestamp covers");
    }
  }
  for (const char* tag : {bag::kBagit, bag::kBagInfo, bag::kPayloadManifest}) {
    if (!tags.contains(tag)) report->Fail(std::string(tag) + ": not in tagmanifest-sha256.txt");
  }
}

void CheckSignature(const std::string& dir, const BagVerifyOptions& options, BagReport* report) {
  const bool signed_bag = fs::exists(dir + "/" + bag::kSignature);
  if (!signed_bag) {
    if (!options.public_key_file.empty())
      report->Fail(std::string(bag::kSignature) + ": missing (the bag is not signed)");
    return;
  }
  if (options.public_key_file.empty()) {
    report->Fail(std::string(bag::kSignature) + ": not checked (give --pubkey)");
    return;
  }
  Result<std::string> key = ReadEd25519Public(options.public_key_file);
  Result<std::string> sig = ReadWholeFile(dir + "/" + bag::kSignature);
  Result<std::string> signed_text = ReadWholeFile(dir + "/" + bag::kTagManifest);
  Result<std::string> fingerprint = ReadWholeFile(dir + "/" + bag::kKeyFingerprint);
  if (!key.ok()) {
    report->Fail("--pubkey: " + key.error());
    return;
  }
  if (!sig.ok() || !signed_text.ok() || !Ed25519Verify(*key, *signed_text, *sig)) {
    // Either file may be the one that changed; both are named.
    report->Fail(std::string(bag::kSignature) + ": the Ed25519 signature over " +
                 bag::kTagManifest + " does not verify with " + options.public_key_file);
    report->Fail(std::string(bag::kTagManifest) + ": not the bytes that were signed (or " +
                 bag::kSignature + " changed)");
  } else {
    report->Pass(std::string(bag::kSignature) + ": Ed25519 signature verifies");
  }
  if (!fingerprint.ok() || *fingerprint != Ed25519Fingerprint(*key) + "\n") {
    report->Fail(std::string(bag::kKeyFingerprint) + ": not the fingerprint of " +
                 options.public_key_file);
  }
}

void CheckTimestamp(const std::string& dir, const BagVerifyOptions& options, BagReport* report) {
  const bool stamped = fs::exists(dir + "/" + bag::kTimestampReply);
  if (!stamped) {
    if (!options.tsa_ca_file.empty())
      report->Fail(std::string(bag::kTimestampReply) + ": missing (no timestamp)");
    return;
  }
  Result<std::string> request = ReadWholeFile(dir + "/" + bag::kTimestampRequest);
  Result<std::string> reply = ReadWholeFile(dir + "/" + bag::kTimestampReply);
  Result<std::string> digest = TagManifestDigest(dir);
  if (!request.ok()) {
    report->Fail(std::string(bag::kTimestampRequest) + ": missing");
    return;
  }
  if (!reply.ok() || !digest.ok()) {
    report->Fail(std::string(bag::kTimestampReply) + ": unreadable");
    return;
  }
  if (options.tsa_ca_file.empty()) {
    report->Fail(std::string(bag::kTimestampReply) + ": not checked against a CA (give --tsa-ca)");
    return;
  }
  // The request first, so that a changed request or tag manifest is named as such.
  Result<std::string> asked = TimestampRequestImprint(*request);
  if (!asked.ok()) {
    report->Fail(std::string(bag::kTimestampRequest) + ": " + asked.error());
    return;
  }
  if (*asked != *digest) {
    // One of the two changed since the request was made; both are named.
    report->Fail(std::string(bag::kTimestampRequest) + ": not a request over this bag's " +
                 bag::kTagManifest);
    report->Fail(std::string(bag::kTagManifest) + ": not the bytes that were timestamped (or " +
                 bag::kTimestampRequest + " changed)");
    return;
  }
  Result<std::string> time = VerifyTimestampReply(*request, *reply, *digest, options.tsa_ca_file);
  if (!time.ok()) {
    report->Fail(std::string(bag::kTimestampReply) + ": " + time.error());
    if (time.error().find("nonce") != std::string::npos) {
      report->Fail(std::string(bag::kTimestampRequest) + ": its nonce is not the token's (or " +
                   bag::kTimestampReply + " changed)");
    }
  } else {
    report->Pass(std::string(bag::kTimestampReply) + ": RFC 3161 token of " + *time +
                 " over this tag manifest verifies");
  }
}

}  // namespace

Result<std::string> TagManifestDigest(const std::string& dir) {
  Result<std::string> hex = Sha256OfFile(dir + "/" + bag::kTagManifest);
  if (!hex.ok()) return hex.status();
  std::string raw;
  for (size_t i = 0; i + 1 < hex->size(); i += 2) {
    raw.push_back(static_cast<char>(std::stoi(hex->substr(i, 2), nullptr, 16)));
  }
  return raw;
}

BagReport VerifyBag(const std::string& dir, const BagVerifyOptions& options,
                    const BagReplay& replay) {
  BagReport report;
  if (!fs::is_directory(dir)) {
    report.Fail(dir + ": not a directory");
    return report;
  }
  CheckBagit(dir, &report);
  const std::set<std::string> payload = CheckManifest(dir, bag::kPayloadManifest, true, &report);
  const std::set<std::string> tags = CheckManifest(dir, bag::kTagManifest, false, &report);
  CheckCompleteness(dir, payload, tags, &report);
  CheckOxum(dir, &report);
  CheckSignature(dir, options, &report);
  CheckTimestamp(dir, options, &report);

  JsonValue manifest;
  Result<std::string> text = ReadWholeFile(dir + "/" + bag::kManifest);
  Result<JsonValue> parsed = text.ok() ? JsonValue::Parse(*text) : Result<JsonValue>(text.status());
  if (!parsed.ok()) {
    report.Fail(std::string(bag::kManifest) + ": missing or not JSON");
  } else {
    manifest = std::move(*parsed);
    Result<std::string> results = Sha256OfFile(dir + "/" + bag::kResults);
    const std::string& want = manifest["results"]["sha256"].AsString();
    if (!results.ok() || *results != want) {
      report.Fail(std::string(bag::kResults) + ": sha256 is not the one in " + bag::kManifest);
    } else {
      report.Pass(std::string(bag::kResults) + ": sha256 is the manifest's");
    }
  }
  if (replay) replay(dir, manifest, &report);
  return report;
}

}  // namespace mv
