// How a DNS name's raw label bytes are written where text has rules of its own. Inside mailverify a
// name is its label bytes as they are on the wire, joined by '.' (lower-cased ASCII, no trailing
// dot): RFC 2181 section 11 lets a label hold any byte, and an SPF macro (RFC 7208 7.3) can expand
// to spaces, '%' or a backslash. Only master files (zone snapshots, --keys, the recorder's output)
// and c-ares's query-name syntax need escapes, so they are made and undone here and nowhere else.
#pragma once

#include <string>
#include <string_view>

namespace mv {

// Master-file (RFC 1035 5.1) presentation of a raw name, without the trailing dot: every byte that
// is not a letter, digit, '-', '_', '*' or another graphic byte with no meaning in a zone file is
// written \DDD, so the text has no blanks, quotes, parentheses, ';', '@', '$' or backslashes of its
// own and ldns reads back exactly the same bytes.
std::string EscapeDnsName(std::string_view raw);

// The reverse for one presentation name (\DDD and \X escapes, one trailing dot dropped); false
// when an escape is cut short or a \DDD is above 255.
bool UnescapeDnsName(std::string_view text, std::string* raw);

// The name as c-ares (ares_query) reads it: its parser takes "\X" as the byte X, so a raw backslash
// is doubled; every other byte, space and control bytes included, is sent as it is.
std::string AresQueryName(std::string_view raw);

}  // namespace mv
