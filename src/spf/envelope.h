// SpfEnvelope: the SMTP envelope of an archived message, recovered from its header because an
// archive keeps no SMTP session: MAIL FROM from the topmost Return-Path, client IP and HELO from
// the Received header at the trust boundary, and the SPF verdict the receiving server recorded at
// delivery (Received-SPF, or Authentication-Results of the trusted authserv-id).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "message/header_index.h"
#include "spf/ip_address.h"
#include "spf/spf_result.h"

namespace mv {

struct EnvelopeOptions {
  // Glob patterns for the host names of the receiving organisation's servers (--receiver): the
  // boundary is the topmost Received header whose by-host matches, passing over internal relays
  // (from-host matches too and the client address is not public). Empty: the boundary is the
  // topmost Received header whose client IP is public.
  std::vector<std::string> receivers;
  // authserv-id whose Authentication-Results can be trusted; empty: none is.
  std::string authserv_id;
};

struct SpfEnvelope {
  bool has_return_path = false;
  bool null_sender = false;  // Return-Path: <>
  std::string mail_from;     // the reverse-path address, without angle brackets

  std::optional<IpAddress> client_ip;
  std::string helo;
  std::string boundary_by;  // the receiving host of the boundary Received header
  int boundary_index = -1;  // 0-based among the Received fields, topmost first; -1: none

  std::optional<SpfResult> recorded_result;
  std::string recorded_by;  // "received-spf" or "authentication-results"
};

SpfEnvelope ExtractEnvelope(const HeaderIndex& headers, const EnvelopeOptions& options);

// The address in a Return-Path value: "<a@b>" -> "a@b", "<>" -> "" (with *is_null set), source
// routes and comments dropped.
std::string ParseReturnPath(std::string_view value, bool* is_null);

// The result of the first "spf" method in an Authentication-Results value whose authserv-id is
// `authserv_id` (ASCII case-insensitive); nullopt otherwise.
std::optional<SpfResult> SpfResultFromAuthResults(std::string_view value,
                                                  std::string_view authserv_id);

// The result word that starts a Received-SPF value (RFC 7208 9.1).
std::optional<SpfResult> SpfResultFromReceivedSpf(std::string_view value);
// Its client-ip= key, when present and an address.
std::optional<IpAddress> ClientIpFromReceivedSpf(std::string_view value);

}  // namespace mv
