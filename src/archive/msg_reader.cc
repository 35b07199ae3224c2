#include "archive/msg_reader.h"

#include <libolecf.h>

#include <cctype>

#include "archive/transport_headers.h"

namespace mv {
namespace {

constexpr uint32_t kDeliveryTimeTag = 0x0E060040;  // PidTagMessageDeliveryTime, PT_SYSTIME
constexpr size_t kTopLevelHeaderSize = 32;         // [MS-OXMSG] 2.4.1.1
constexpr std::string_view kSignedClass = "IPM.Note.SMIME.MultipartSigned";

std::string TakeError(libolecf_error_t** error) {
  if (error == nullptr || *error == nullptr) return "unknown libolecf error";
  char text[1024] = {};
  libolecf_error_sprint(*error, text, sizeof text);
  libolecf_error_free(error);
  std::string s(text);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == '.')) s.pop_back();
  const size_t nl = s.rfind('\n');
  if (nl != std::string::npos) s.erase(0, nl + 1);
  return s.empty() ? "unknown libolecf error" : s;
}

struct ItemFree {
  void operator()(libolecf_item_t* item) const { libolecf_item_free(&item, nullptr); }
};
using Item = std::unique_ptr<libolecf_item_t, ItemFree>;

Item SubItem(libolecf_item_t* parent, std::string_view name) {
  libolecf_item_t* raw = nullptr;
  libolecf_error_t* err = nullptr;
  const int found = libolecf_item_get_sub_item_by_utf8_name(
      parent, reinterpret_cast<const uint8_t*>(name.data()), name.size(), &raw, &err);
  libolecf_error_free(&err);
  return Item(found == 1 ? raw : nullptr);
}

// The whole content of a stream, if it exists and is no larger than `limit`.
std::optional<std::string> ReadStream(libolecf_item_t* parent, std::string_view name, size_t limit,
                                      std::string* error) {
  Item stream = SubItem(parent, name);
  if (!stream) return std::nullopt;
  libolecf_error_t* err = nullptr;
  uint32_t size = 0;
  if (libolecf_item_get_size(stream.get(), &size, &err) != 1) {
    *error = std::string(name) + ": " + TakeError(&err);
    return std::nullopt;
  }
  if (size > limit) {
    *error = std::string(name) + ": " + std::to_string(size) + " bytes exceed the limit";
    return std::nullopt;
  }
  std::string data(size, '\0');
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t got = libolecf_stream_read_buffer(
        stream.get(), reinterpret_cast<uint8_t*>(data.data() + done), data.size() - done, &err);
    if (got <= 0) {
      *error = std::string(name) + ": " + (got < 0 ? TakeError(&err) : "stream ends early");
      return std::nullopt;
    }
    done += static_cast<size_t>(got);
  }
  return data;
}

// Whether a PT_UNICODE or PT_STRING8 message class starts with `prefix` (ASCII, any case).
bool ClassStartsWith(std::string_view value, bool unicode, std::string_view prefix) {
  const size_t step = unicode ? 2 : 1;
  if (value.size() < prefix.size() * step) return false;
  for (size_t k = 0; k < prefix.size(); ++k) {
    if (unicode && value[2 * k + 1] != 0) return false;
    if (std::tolower(static_cast<unsigned char>(value[k * step])) !=
        std::tolower(static_cast<unsigned char>(prefix[k]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<uint64_t> MsgFixedProperty(std::string_view properties, uint32_t tag) {
  for (size_t pos = kTopLevelHeaderSize; pos + 16 <= properties.size(); pos += 16) {
    auto le = [&](size_t at, int bytes) {
      uint64_t v = 0;
      for (int k = bytes - 1; k >= 0; --k) {
        v = v << 8 | static_cast<unsigned char>(properties[at + static_cast<size_t>(k)]);
      }
      return v;
    };
    if (le(pos, 4) == tag) return le(pos + 8, 8);
  }
  return std::nullopt;
}

MsgReader::MsgReader(std::string path, const ArchiveOptions& options)
    : path_(std::move(path)), options_(options) {}

MsgReader::~MsgReader() = default;

bool MsgReader::Next(RawMessage* out) {
  if (done_) return false;
  done_ = true;
  Provenance p;
  p.source = path_;
  p.source_format = "msg";
  auto fail = [&](std::string reason, bool input_error) {
    out->buffer.reset();
    out->bytes = {};
    out->provenance = p;
    out->read_error = input_error ? path_ + ": " + reason : std::move(reason);
    out->input_error = input_error;
    return true;
  };

  libolecf_file_t* file = nullptr;
  libolecf_error_t* err = nullptr;
  if (libolecf_file_initialize(&file, &err) != 1) {
    return fail("cannot open msg: " + TakeError(&err), true);
  }
  struct FileClose {
    libolecf_file_t* f;
    ~FileClose() {
      libolecf_file_close(f, nullptr);
      libolecf_file_free(&f, nullptr);
    }
  };
  if (libolecf_file_open(file, path_.c_str(), LIBOLECF_OPEN_READ, &err) != 1) {
    const std::string reason = TakeError(&err);
    libolecf_file_free(&file, nullptr);
    return fail("cannot open msg (corrupt compound file): " + reason, true);
  }
  FileClose closer{file};
  libolecf_item_t* raw_root = nullptr;
  if (libolecf_file_get_root_item(file, &raw_root, &err) != 1) {
    return fail("cannot read the msg's root storage: " + TakeError(&err), true);
  }
  Item root(raw_root);

  const size_t limit = options_.max_message_size;
  std::string error;
  MapiStringType type = MapiStringType::kUnicode;
  std::optional<std::string> value = ReadStream(root.get(), "__substg1.0_007D001F", limit, &error);
  if (!value && error.empty()) {
    type = MapiStringType::kString8;
    value = ReadStream(root.get(), "__substg1.0_007D001E", limit, &error);
  }
  if (std::optional<std::string> props =
          ReadStream(root.get(), "__properties_version1.0", limit, &error)) {
    if (std::optional<uint64_t> ft = MsgFixedProperty(*props, kDeliveryTimeTag)) {
      if (std::optional<int64_t> t = FiletimeToUnix(*ft)) {
        p.received_at = t;
        p.received_at_source = "msg-delivery-time";
      }
    }
  }
  if (!value) {
    return fail(!error.empty() ? error
                               : "no transport headers: the message was not received by mail "
                                 "(a draft or created in Outlook), so there is nothing to verify",
                false);
  }
  std::string message = TransportHeadersToMessage(*value, type);
  if (message.empty()) return fail("the transport headers hold no header field", false);
  p.mime = "headers-only";

  bool unicode_class = true;
  std::optional<std::string> klass = ReadStream(root.get(), "__substg1.0_001A001F", 4096, &error);
  if (!klass) {
    unicode_class = false;
    klass = ReadStream(root.get(), "__substg1.0_001A001E", 4096, &error);
  }
  if (klass && ClassStartsWith(*klass, unicode_class, kSignedClass)) {
    // The signed entity is the only attachment's binary data; a second attachment would mean it
    // is not the layout Outlook writes for S/MIME.
    Item first = SubItem(root.get(), "__attach_version1.0_#00000000");
    Item second = SubItem(root.get(), "__attach_version1.0_#00000001");
    if (first && !second) {
      std::string ignored;
      if (std::optional<std::string> entity =
              ReadStream(first.get(), "__substg1.0_37010102", limit, &ignored)) {
        if (std::optional<std::string> original = AssembleSignedMime(message, *entity)) {
          message = std::move(*original);
          p.mime = "original";
        }
      }
    }
  }
  SetStoreMessage(std::move(message), std::move(p), out);
  return true;
}

}  // namespace mv
