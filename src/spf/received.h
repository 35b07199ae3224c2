// ReceivedHop: what one Received header field (RFC 5321 4.4) says about the hop it records — the
// client's IP, the name it gave in HELO/EHLO, its reverse-DNS name and the receiving host. Servers
// do not agree on the layout of the from-clause, so the parser knows the shapes Postfix, Exim,
// Sendmail, Microsoft Exchange / 365, Gmail and qmail write:
//   Postfix/Sendmail/Gmail  from HELO (RDNS [IP]) by ...       (Gmail: "RDNS." ; IPv6 "[IPv6:...]")
//   Exim                    from RDNS ([IP]:port helo=HELO) by ...  /  from [IP] (helo=HELO) by ...
//   Exchange                from HELO (IP) by HOST (IP) with Microsoft SMTP Server ...
//   qmail                   from RDNS (HELO HELO) (IP) by ...  /  from unknown (HELO h) (user@IP)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "spf/ip_address.h"

namespace mv {

struct ReceivedHop {
  bool has_from = false;
  std::string from_name;  // the word after "from" as written
  std::string helo;       // the HELO/EHLO name, where the header records it
  std::string rdns;       // the client's reverse-DNS name ("" when the server wrote "unknown")
  std::optional<IpAddress> ip;
  std::string by;        // the receiving host
  std::string protocol;  // the "with" word: SMTP, ESMTPS, LMTP, ...
};

// Parses the value of a Received field (folding allowed). False when there is neither a from- nor a
// by-clause, i.e. when the value is not a Received trace at all.
bool ParseReceived(std::string_view value, ReceivedHop* hop);

// Shell-style match of `pattern` (* and ?) against a host name, ignoring ASCII case.
bool HostMatchesGlob(std::string_view pattern, std::string_view host);

}  // namespace mv
