#include "keytrust/key_usage_log.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "dns/key_archive.h"
#include "util/json_writer.h"

namespace mv {

void KeyUsageLog::Note(std::string_view domain, std::string_view selector, std::string_view record,
                       int64_t time, bool verified) {
  std::string d(domain);
  for (char& c : d) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, added] = keys_.try_emplace({d, std::string(selector), std::string(record)},
                                       Seen{time, time, verified});
  if (!added) {
    it->second.first = std::min(it->second.first, time);
    it->second.last = std::max(it->second.last, time);
    it->second.verified = it->second.verified || verified;
  }
}

size_t KeyUsageLog::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return keys_.size();
}

std::string KeyUsageLog::ToJson() const {
  std::string out;
  JsonWriter w(&out);
  std::lock_guard<std::mutex> lock(mu_);
  w.BeginArray();
  for (const auto& [key, seen] : keys_) {
    const auto& [domain, selector, record] = key;
    w.BeginObject();
    w.Field("domain", domain).Field("selector", selector);
    w.Field("firstSeenAt", FormatArchiveTime(seen.first));
    w.Field("lastSeenAt", FormatArchiveTime(seen.last));
    w.Field("value", record);
    w.Field("verified", seen.verified);
    w.EndObject();
  }
  w.EndArray();
  out.push_back('\n');
  return out;
}

Status KeyUsageLog::Write(const std::string& path) const {
  const std::string json = ToJson();
  std::FILE* f = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  const bool ok = std::fwrite(json.data(), 1, json.size(), f) == json.size();
  const bool closed = f == stdout ? std::fflush(f) == 0 : std::fclose(f) == 0;
  if (!ok || !closed) return Status::Error("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace mv
