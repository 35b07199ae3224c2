// Organizational Domain (RFC 7489 3.2): the registrable domain under the Public Suffix List. The
// list is Debian's `publicsuffix` package read through libpsl, loaded once per process and shared
// read-only between threads.
#pragma once

#include <string>
#include <string_view>

namespace mv {

// The organizational domain of `domain` (lower-cased, trailing dot dropped). A name that is itself
// a public suffix, or that the list cannot place, is its own organizational domain.
std::string OrganizationalDomain(std::string_view domain);

// Where the list came from (".../public_suffix_list.dafsa" or ".dat", or "libpsl
// built-in"), for the run's metadata.
std::string PublicSuffixListSource();

}  // namespace mv
