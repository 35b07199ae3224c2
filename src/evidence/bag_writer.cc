#include "evidence/bag_writer.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "evidence/bag_layout.h"
#include "evidence/durable_file.h"
#include "evidence/message_hash_check.h"
#include "report/mail_date.h"
#include "scaleout/sha256.h"

namespace mv {
namespace fs = std::filesystem;

namespace {

// Every regular file under `root`/`sub`, as paths relative to `root`, sorted.
std::vector<std::string> FilesUnder(const std::string& root, const std::string& sub) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root + "/" + sub, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(fs::relative(it->path(), root).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// fsync of every directory under `root` (and `root`): the renames and creations inside are durable.
Status SyncDirectories(const std::string& root) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec)) {
      if (Status st = SyncPath(it->path().string()); !st.ok()) return st;
    }
  }
  return SyncPath(root);
}

}  // namespace

std::string ManifestLine(std::string_view hex, std::string_view path) {
  std::string line(hex);
  line.append("  ");
  for (char c : path) {
    if (c == '\r') {
      line.append("%0D");
    } else if (c == '\n') {
      line.append("%0A");
    } else if (c == '%') {
      line.append("%25");
    } else {
      line.push_back(c);
    }
  }
  line.push_back('\n');
  return line;
}

Result<std::pair<std::string, std::string>> ParseBagInfo(std::string_view kv) {
  const size_t eq = kv.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Status::Error("--bundle-info wants KEY=VALUE, not '" + std::string(kv) + "'");
  }
  std::string key(kv.substr(0, eq));
  std::string value(kv.substr(eq + 1));
  if (key.find_first_of(":\r\n \t") != std::string::npos ||
      value.find_first_of("\r\n") != std::string::npos) {
    return Status::Error(
        "--bundle-info: no ':', blanks or line breaks in the key, no line "
        "breaks in the value");
  }
  for (const char* own : {"Bagging-Date", "Payload-Oxum", "Bag-Software-Agent"}) {
    if (key == own) return Status::Error("--bundle-info: " + key + " is written by mailverify");
  }
  return std::make_pair(std::move(key), std::move(value));
}

Result<std::unique_ptr<BagWriter>> BagWriter::Begin(const std::string& dir) {
  std::error_code ec;
  if (dir.empty() || fs::exists(dir, ec)) {
    return Status::Error("--bundle: " + dir + " exists; a bag is never written over another");
  }
  std::string partial = dir;
  while (partial.size() > 1 && partial.back() == '/') partial.pop_back();
  partial += ".partial-XXXXXX";
  if (::mkdtemp(partial.data()) == nullptr) {
    return Status::Error("--bundle: cannot create " + partial);
  }
  ::chmod(partial.c_str(), 0755);
  auto writer = std::unique_ptr<BagWriter>(new BagWriter(dir, partial));
  if (Status st = writer->MakeDirectory("data"); !st.ok()) return st;
  return writer;
}

Status BagWriter::MakeDirectory(std::string_view relative) const {
  std::error_code ec;
  fs::create_directories(PathOf(relative), ec);
  if (ec) return Status::Error("cannot create " + PathOf(relative) + ": " + ec.message());
  return Status::Ok();
}

Status BagWriter::CopyIn(const std::string& from, std::string_view relative) const {
  Result<std::string> copied = CopyFileSynced(from, PathOf(relative));
  return copied.ok() ? Status::Ok() : copied.status();
}

Status BagWriter::WriteFile(std::string_view relative, std::string_view bytes) const {
  return WriteFileSynced(PathOf(relative), bytes);
}

Status BagWriter::Finish(const BagTags& tags) {
  // The payload manifest; files written by the scan itself (results, DNS evidence) are synced here.
  std::string manifest;
  uint64_t octets = 0;
  const std::vector<std::string> payload = FilesUnder(partial_, "data");
  for (const std::string& file : payload) {
    if (Status st = SyncPath(PathOf(file)); !st.ok()) return st;
    Result<std::string> sha = Sha256OfFile(PathOf(file));
    if (!sha.ok()) return sha.status();
    std::error_code ec;
    octets += fs::file_size(PathOf(file), ec);
    manifest += ManifestLine(*sha, file);
  }
  if (Status st = WriteFile(bag::kPayloadManifest, manifest); !st.ok()) return st;
  if (Status st =
          WriteFile(bag::kBagit, "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
      !st.ok()) {
    return st;
  }
  std::string info;
  for (const auto& [key, value] : tags.info) info += key + ": " + value + "\n";
  info += "Bagging-Date: " + FormatIso8601Utc(tags.bagging_time).substr(0, 10) + "\n";
  info += "Payload-Oxum: " + std::to_string(octets) + "." + std::to_string(payload.size()) + "\n";
  info += "Bag-Software-Agent: " + tags.software_agent + "\n";
  if (Status st = WriteFile(bag::kBagInfo, info); !st.ok()) return st;

  std::string tag_manifest;
  for (const char* tag : {bag::kBagit, bag::kBagInfo, bag::kPayloadManifest}) {
    Result<std::string> sha = Sha256OfFile(PathOf(tag));
    if (!sha.ok()) return sha.status();
    tag_manifest += ManifestLine(*sha, tag);
  }
  if (Status st = WriteFile(bag::kTagManifest, tag_manifest); !st.ok()) return st;
  if (tags.signing_key) {
    if (Status st = SignTagManifest(partial_, *tags.signing_key); !st.ok()) return st;
  }
  if (Status st = SyncDirectories(partial_); !st.ok()) return st;
  // The bag appears whole or not at all.
  if (std::rename(partial_.c_str(), dir_.c_str()) != 0) {
    return Status::Error("cannot rename " + partial_ + " to " + dir_);
  }
  const std::string parent = fs::path(dir_).parent_path().string();
  return SyncPath(parent.empty() ? "." : parent);
}

Status SignTagManifest(const std::string& bag_dir, const Ed25519Secret& key) {
  Result<std::string> tag_manifest = ReadWholeFile(bag_dir + "/" + bag::kTagManifest);
  if (!tag_manifest.ok()) return tag_manifest.status();
  if (Status st =
          ReplaceFileAtomically(bag_dir + "/" + bag::kSignature, Ed25519Sign(key, *tag_manifest));
      !st.ok()) {
    return st;
  }
  return ReplaceFileAtomically(bag_dir + "/" + bag::kKeyFingerprint,
                               Ed25519Fingerprint(key.public_key) + "\n");
}

}  // namespace mv
