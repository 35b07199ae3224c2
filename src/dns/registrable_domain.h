// RegistrableDomain: the unit a DNS hold applies to. A server that times out usually serves a whole
// registered domain (example.co.uk and every name below it), so that is what the cache puts on
// hold. It is the Public Suffix List's "registrable domain" (libpsl, Debian's built-in list, else
// the installed publicsuffix file); a name that is itself a public suffix, or that libpsl cannot
// judge, stands for itself.
#pragma once

#include <string>
#include <string_view>

namespace mv {

std::string RegistrableDomain(std::string_view name);

}  // namespace mv
