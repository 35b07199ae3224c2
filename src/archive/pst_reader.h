// PstReader: the messages of an Outlook PST or OST (read with libpff), one record per mail item.
//
// Folders are walked depth first from the store's root folder: a folder's messages in the order of
// its contents table, then its sub-folders; `folder` is the path of folder names joined by '/'
// (the root folder's empty name left out, e.g. "Top of Outlook data file/Inbox"). A record stands
// for every mail item (IPM.Note and its S/MIME, report and conflict variants) and for any other
// item that carries transport headers (a meeting request received by mail). Contacts, appointments,
// distribution lists and the like hold no mail and are skipped. Embedded messages (attachments of
// method 5) are part of the message that carries them and get no record of their own.
//
// A record's bytes are the item's PidTagTransportMessageHeaders as a headers-only message; its
// received_at is PidTagMessageDeliveryTime ("pst-delivery-time"). A mail item without transport
// headers (created in the mailbox: sent items, drafts) is a record with read_error saying so.
// A file libpff cannot open is one input_error record with libpff's reason; a folder or item it
// cannot read is reported (input_error for a folder, read_error for an item) and the walk goes on.
// The "PST password" is only a checksum in the store and protects nothing, so such a PST is read.
#pragma once

#include <memory>
#include <string>

#include "archive/outlook_store.h"

namespace mv {

class PstReader : public OutlookStoreReader {
 public:
  // `format` is "pst" or "ost", as the file's header says.
  PstReader(std::string path, std::string format, const ArchiveOptions& options);
  ~PstReader() override;
  bool Next(RawMessage* out) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mv
