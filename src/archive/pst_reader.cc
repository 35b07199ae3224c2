#include "archive/pst_reader.h"

#include <libpff.h>
#include <sys/stat.h>

#include <fstream>
#include <unordered_set>
#include <vector>

#include "archive/transport_headers.h"

namespace mv {
namespace {

constexpr uint32_t kTransportHeaders = 0x007D;  // PidTagTransportMessageHeaders
constexpr uint32_t kPtString8 = 0x001E;
constexpr uint32_t kPtUnicode = 0x001F;
// Deeper folder trees than this are taken for a corrupt (cyclic) hierarchy.
constexpr size_t kMaxFolderDepth = 64;

// libpff's error as one line (its last message: the most specific), and frees it.
std::string TakeError(libpff_error_t** error) {
  if (error == nullptr || *error == nullptr) return "unknown libpff error";
  char text[1024] = {};
  libpff_error_sprint(*error, text, sizeof text);
  libpff_error_free(error);
  std::string s(text);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == '.')) s.pop_back();
  const size_t nl = s.rfind('\n');
  if (nl != std::string::npos) s.erase(0, nl + 1);
  return s.empty() ? "unknown libpff error" : s;
}

struct ItemFree {
  void operator()(libpff_item_t* item) const { libpff_item_free(&item, nullptr); }
};
using Item = std::unique_ptr<libpff_item_t, ItemFree>;

bool IsMailType(int type) {
  return type == LIBPFF_ITEM_TYPE_EMAIL || type == LIBPFF_ITEM_TYPE_EMAIL_SMIME ||
         type == LIBPFF_ITEM_TYPE_CONFLICT_MESSAGE;
}

// The raw value of the item's transport headers and its string type; false when absent. `error`
// is set when the value exists but cannot be read.
bool ReadTransportHeaders(libpff_item_t* item, size_t limit, std::string* value, bool* unicode,
                          std::string* error) {
  libpff_error_t* err = nullptr;
  libpff_record_set_t* set = nullptr;
  if (libpff_item_get_record_set_by_index(item, 0, &set, &err) != 1) {
    libpff_error_free(&err);
    return false;
  }
  libpff_record_entry_t* entry = nullptr;
  const int found = libpff_record_set_get_entry_by_type(
      set, kTransportHeaders, 0, &entry, LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE, &err);
  bool ok = false;
  if (found == 1) {
    uint32_t value_type = 0;
    size_t size = 0;
    if (libpff_record_entry_get_value_type(entry, &value_type, &err) != 1 ||
        libpff_record_entry_get_data_size(entry, &size, &err) != 1) {
      *error = "transport headers: " + TakeError(&err);
    } else if (value_type != kPtUnicode && value_type != kPtString8) {
      *error = "transport headers have property type " + std::to_string(value_type);
    } else if (size > limit) {
      *error = "transport headers of " + std::to_string(size) + " bytes exceed the limit";
    } else {
      value->assign(size, '\0');
      if (size > 0 && libpff_record_entry_get_data(entry, reinterpret_cast<uint8_t*>(value->data()),
                                                   size, &err) != 1) {
        *error = "transport headers: " + TakeError(&err);
      } else {
        *unicode = value_type == kPtUnicode;
        ok = true;
      }
    }
    libpff_record_entry_free(&entry, nullptr);
  } else if (found < 0) {
    *error = "transport headers: " + TakeError(&err);
  }
  libpff_error_free(&err);
  libpff_record_set_free(&set, nullptr);
  return ok;
}

// The data of the message's only attachment, when it has exactly one data attachment no larger
// than `limit` (the S/MIME signed entity).
std::optional<std::string> SoleAttachmentData(libpff_item_t* message, size_t limit) {
  libpff_error_t* err = nullptr;
  int count = 0;
  if (libpff_message_get_number_of_attachments(message, &count, &err) != 1 || count != 1) {
    libpff_error_free(&err);
    return std::nullopt;
  }
  libpff_item_t* raw = nullptr;
  if (libpff_message_get_attachment(message, 0, &raw, &err) != 1) {
    libpff_error_free(&err);
    return std::nullopt;
  }
  Item attachment(raw);
  int type = 0;
  size64_t size = 0;
  if (libpff_attachment_get_type(attachment.get(), &type, &err) != 1 ||
      type != LIBPFF_ATTACHMENT_TYPE_DATA ||
      libpff_attachment_get_data_size(attachment.get(), &size, &err) != 1 || size > limit) {
    libpff_error_free(&err);
    return std::nullopt;
  }
  std::string data(static_cast<size_t>(size), '\0');
  const ssize_t got = libpff_attachment_data_read_buffer(
      attachment.get(), reinterpret_cast<uint8_t*>(data.data()), data.size(), &err);
  libpff_error_free(&err);
  if (got != static_cast<ssize_t>(data.size())) return std::nullopt;
  return data;
}

std::string FolderName(libpff_item_t* folder) {
  libpff_error_t* err = nullptr;
  size_t size = 0;
  std::string name;
  if (libpff_folder_get_utf8_name_size(folder, &size, &err) == 1 && size > 0) {
    name.assign(size, '\0');
    if (libpff_folder_get_utf8_name(folder, reinterpret_cast<uint8_t*>(name.data()), size, &err) !=
        1) {
      name.clear();
    }
    name.resize(name.find('\0') == std::string::npos ? name.size() : name.find('\0'));
  }
  libpff_error_free(&err);
  return name;
}

// Whether the file is shorter than its header's ibFileEof ([MS-PST] ROOT: at 0xB8, 8 bytes, in a
// Unicode file (wVer >= 23); at 0xA8, 4 bytes, in an ANSI one); the reason, or empty.
std::string Truncation(const std::string& path) {
  unsigned char h[0xC0] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return {};
  auto le = [&](size_t at, int bytes) {
    uint64_t v = 0;
    for (int k = bytes - 1; k >= 0; --k) v = v << 8 | h[at + static_cast<size_t>(k)];
    return v;
  };
  const uint64_t version = le(10, 2);
  const uint64_t eof = version >= 23 ? le(0xB8, 8) : le(0xA8, 4);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_size) >= eof) return {};
  return "truncated: the header says " + std::to_string(eof) + " bytes, the file has " +
         std::to_string(st.st_size) + " (the items that can still be read follow)";
}

}  // namespace

struct PstReader::Impl {
  struct Frame {
    Item folder;
    std::string path;
    int messages = -1;
    int next_message = 0;
    int folders = -1;
    int next_folder = 0;
  };

  std::string path;
  std::string format;
  ArchiveOptions options;
  libpff_file_t* file = nullptr;
  bool opened = false;
  std::vector<Frame> stack;
  std::unordered_set<uint32_t> seen_folders;
  uint64_t index = 0;

  ~Impl() {
    stack.clear();  // items before the file they belong to
    if (file != nullptr) {
      libpff_file_close(file, nullptr);
      libpff_file_free(&file, nullptr);
    }
  }

  Provenance Base() {
    Provenance p;
    p.source = path;
    p.index = index;
    p.source_format = format;
    return p;
  }

  void InputError(RawMessage* out, const std::string& reason) {
    out->buffer.reset();
    out->bytes = {};
    out->provenance = Base();
    out->read_error = path + ": " + reason;
    out->input_error = true;
  }

  // Opens the store; true when that gave a record (an input error) for `out`.
  bool Open(RawMessage* out) {
    opened = true;
    libpff_error_t* err = nullptr;
    const std::string truncated = Truncation(path);
    if (libpff_file_initialize(&file, &err) != 1) {
      InputError(out, "cannot open " + format + ": " + TakeError(&err));
      return true;
    }
    if (libpff_file_open(file, path.c_str(), LIBPFF_OPEN_READ, &err) != 1) {
      InputError(out, "cannot open " + format + " (corrupt or unsupported): " + TakeError(&err));
      libpff_file_free(&file, nullptr);
      return true;
    }
    libpff_item_t* root = nullptr;
    const int found = libpff_file_get_root_folder(file, &root, &err);
    if (found != 1) {
      InputError(out, "cannot read the " + format + "'s root folder: " +
                          (!truncated.empty() ? truncated.substr(0, truncated.find(" (the"))
                           : found == 0       ? std::string("the store has none (corrupt)")
                                              : TakeError(&err)));
      libpff_error_free(&err);
      return true;
    }
    stack.push_back(Frame{Item(root), "", -1, 0, -1, 0});
    if (truncated.empty()) return false;
    InputError(out, truncated);
    return true;
  }

  // The record for one item of `frame`'s folder; false when the item is not mail.
  bool ItemRecord(Frame& frame, libpff_item_t* item, RawMessage* out) {
    libpff_error_t* err = nullptr;
    uint8_t type = LIBPFF_ITEM_TYPE_UNDEFINED;
    if (libpff_item_get_type(item, &type, &err) != 1) libpff_error_free(&err);
    std::string value;
    std::string error;
    bool unicode = false;
    const bool has_headers =
        ReadTransportHeaders(item, options.max_message_size, &value, &unicode, &error);
    if (!IsMailType(type) && !has_headers && error.empty()) return false;

    Provenance p = Base();
    p.folder = frame.path;
    uint64_t filetime = 0;
    if (libpff_message_get_delivery_time(item, &filetime, &err) == 1) {
      if (std::optional<int64_t> t = FiletimeToUnix(filetime)) {
        p.received_at = t;
        p.received_at_source = "pst-delivery-time";
      }
    }
    libpff_error_free(&err);
    std::string message;
    if (has_headers) {
      message = TransportHeadersToMessage(
          value, unicode ? MapiStringType::kUnicode : MapiStringType::kString8);
    }
    if (message.empty()) {
      out->buffer.reset();
      out->bytes = {};
      out->provenance = std::move(p);
      out->read_error =
          !error.empty() ? error
          : has_headers  ? "the transport headers hold no header field"
                        : "no transport headers: the item was not received by mail (sent, draft or "
                          "created in the mailbox), so there is nothing to verify";
      out->input_error = false;
      return true;
    }
    p.mime = "headers-only";
    if (type == LIBPFF_ITEM_TYPE_EMAIL_SMIME) {
      if (std::optional<std::string> entity = SoleAttachmentData(item, options.max_message_size)) {
        if (std::optional<std::string> original = AssembleSignedMime(message, *entity)) {
          message = std::move(*original);
          p.mime = "original";
        }
      }
    }
    SetStoreMessage(std::move(message), std::move(p), out);
    return true;
  }

  bool Next(RawMessage* out) {
    if (!opened && Open(out)) return true;  // input errors take no message index
    while (!stack.empty()) {
      Frame& frame = stack.back();
      libpff_error_t* err = nullptr;
      if (frame.messages < 0) {
        frame.messages = 0;
        if (libpff_folder_get_number_of_sub_messages(frame.folder.get(), &frame.messages, &err) !=
            1) {
          frame.messages = 0;
          InputError(out,
                     "folder \"" + frame.path + "\": cannot list its messages: " + TakeError(&err));
          return true;
        }
      }
      if (frame.next_message < frame.messages) {
        libpff_item_t* raw = nullptr;
        const int k = frame.next_message++;
        if (libpff_folder_get_sub_message(frame.folder.get(), k, &raw, &err) != 1) {
          Provenance p = Base();
          p.folder = frame.path;
          out->buffer.reset();
          out->bytes = {};
          out->provenance = std::move(p);
          out->read_error = "item " + std::to_string(k) + ": " + TakeError(&err);
          out->input_error = false;
          ++index;
          return true;
        }
        Item item(raw);
        if (ItemRecord(frame, item.get(), out)) {
          ++index;
          return true;
        }
        continue;
      }
      if (frame.folders < 0) {
        frame.folders = 0;
        if (libpff_folder_get_number_of_sub_folders(frame.folder.get(), &frame.folders, &err) !=
            1) {
          frame.folders = 0;
          InputError(out, "folder \"" + frame.path +
                              "\": cannot list its sub-folders: " + TakeError(&err));
          return true;
        }
      }
      if (frame.next_folder < frame.folders) {
        libpff_item_t* raw = nullptr;
        const int k = frame.next_folder++;
        if (libpff_folder_get_sub_folder(frame.folder.get(), k, &raw, &err) != 1) {
          InputError(out, "folder \"" + frame.path + "\": sub-folder " + std::to_string(k) + ": " +
                              TakeError(&err));
          return true;
        }
        Item sub(raw);
        uint32_t id = 0;
        if (libpff_item_get_identifier(sub.get(), &id, &err) != 1) libpff_error_free(&err);
        const std::string name = FolderName(sub.get());
        const std::string sub_path = frame.path.empty() ? name : frame.path + "/" + name;
        if (stack.size() >= kMaxFolderDepth || !seen_folders.insert(id).second) {
          InputError(out, "folder \"" + sub_path +
                              "\": skipped, the folder tree loops or is deeper than " +
                              std::to_string(kMaxFolderDepth) + " (corrupt store)");
          return true;
        }
        stack.push_back(Frame{std::move(sub), sub_path, -1, 0, -1, 0});
        continue;
      }
      stack.pop_back();
    }
    return false;
  }
};

PstReader::PstReader(std::string path, std::string format, const ArchiveOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(path);
  impl_->format = std::move(format);
  impl_->options = options;
}

PstReader::~PstReader() = default;

bool PstReader::Next(RawMessage* out) {
  return impl_->Next(out);
}

}  // namespace mv
