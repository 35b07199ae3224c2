#include "archive/outlook_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "archive/msg_reader.h"
#include "archive/olm_archive.h"
#include "archive/pst_reader.h"

namespace mv {

OutlookStoreKind DetectOutlookStore(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OutlookStoreKind::kNone;
  unsigned char head[10] = {};
  const ssize_t got = ::read(fd, head, sizeof head);
  ::close(fd);
  if (got < static_cast<ssize_t>(sizeof head)) return OutlookStoreKind::kNone;
  if (std::memcmp(head, "!BDN", 4) == 0) {
    // [MS-PST] HEADER: dwMagic, dwCRCPartial, then wMagicClient "SM" (PST) or "SO" (OST); "AB" is
    // an address book, which holds no mail.
    if (head[8] == 'S' && head[9] == 'M') return OutlookStoreKind::kPst;
    if (head[8] == 'S' && head[9] == 'O') return OutlookStoreKind::kOst;
    return OutlookStoreKind::kNone;
  }
  static constexpr unsigned char kCfb[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  if (std::memcmp(head, kCfb, sizeof kCfb) == 0) return OutlookStoreKind::kMsg;
  // Only a ZIP is opened again to look at its central directory.
  if (std::memcmp(head, "PK\3\4", 4) == 0 && IsOlmArchive(path)) return OutlookStoreKind::kOlm;
  return OutlookStoreKind::kNone;
}

std::unique_ptr<OutlookStoreReader> OpenOutlookStore(const std::string& path,
                                                     const ArchiveOptions& options) {
  switch (DetectOutlookStore(path)) {
    case OutlookStoreKind::kPst:
      return std::make_unique<PstReader>(path, "pst", options);
    case OutlookStoreKind::kOst:
      return std::make_unique<PstReader>(path, "ost", options);
    case OutlookStoreKind::kMsg:
      return std::make_unique<MsgReader>(path, options);
    case OutlookStoreKind::kOlm:
      return std::make_unique<OlmArchiveReader>(path);
    case OutlookStoreKind::kNone:
      break;
  }
  return nullptr;
}

void SetStoreMessage(std::string bytes, Provenance provenance, RawMessage* out) {
  auto owned = std::make_shared<std::string>(std::move(bytes));
  out->bytes = *owned;
  out->buffer = std::move(owned);
  provenance.size = out->bytes.size();
  out->provenance = std::move(provenance);
  out->read_error.clear();
  out->input_error = false;
}

}  // namespace mv
