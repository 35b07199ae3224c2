// The vocabulary of a DKIM verdict: RFC 8601 result words plus a machine-readable reason that says
// why, so reports can tell a tampered message from an expired signature or a missing key.
#pragma once

#include <string_view>

namespace mv {

// RFC 8601 2.7.1 result words for the dkim method.
enum class DkimResultCode { kNone, kPass, kFail, kNeutral, kPolicy, kTempError, kPermError };

std::string_view DkimResultName(DkimResultCode code);  // "pass", "fail", "permerror", ...

// Why a signature got its result. Several reasons may apply; the verifier reports the most decisive
// one (a crypto failure outranks an expiry, for instance). Names as written to JSON:
//   ok                  verified without remarks
//   body-hash-mismatch  bh= differs from the hash of the canonical body (body changed)
//   signature-mismatch  b= does not verify over the header hash (headers changed or wrong key)
//   key-not-found       no key record at selector._domainkey.d (NXDOMAIN / no TXT)
//   key-revoked         the key record has an empty p= (RFC 6376 3.6.1)
//   key-syntax          the key record is malformed or unusable (bad v=, k=, p= data, several
//                       records, key type not matching a=)
//   key-hash-mismatch   the key's h= does not allow the signature's hash
//   key-service         the key's s= does not include email
//   key-strict-domain   the key has t=s and i= is a subdomain of d=
//   dns-temperror       the key lookup failed temporarily (timeout, SERVFAIL)
//   expired             x= is before the verification time (crypto still checked)
//   future-timestamp    t= is after the verification time (beyond the allowed clock skew): reported
//                       on a signature that verifies, permerror in strict mode
//   weak-algorithm      rsa-sha1 (RFC 8301): a pass that is only reported, permerror in strict mode
//   key-too-small       RSA key under 1024 bits (RFC 8301): reported, permerror in strict mode
//   tag-syntax          the signature's tag-list is malformed, a required tag is missing, a tag
//                       repeats, or a value is invalid (v=, c=, q=, l=, t=, x=, b=, bh=, i=)
//   unsupported-algorithm  a= is not rsa-sha256, rsa-sha1 or ed25519-sha256
//   domain-mismatch     i= is not d= or a subdomain of it
//   from-not-signed     h= does not list From (RFC 6376 5.4)
//   not-checked         beyond DkimOptions::max_signatures; left unverified
//   body-unavailable    (neutral) the body bh= covers is not there to check: the store kept the
//                       header block only (PST, OST, MSG; DkimResult::header_signature then says
//                       whether b= verifies over the signed header fields), or kept the body
//                       incomplete (a .partial.emlx part missing), so a mismatch proves nothing
enum class DkimReason {
  kOk,
  kBodyHashMismatch,
  kSignatureMismatch,
  kKeyNotFound,
  kKeyRevoked,
  kKeySyntax,
  kKeyHashMismatch,
  kKeyService,
  kKeyStrictDomain,
  kDnsTempError,
  kExpired,
  kFutureTimestamp,
  kWeakAlgorithm,
  kKeyTooSmall,
  kTagSyntax,
  kUnsupportedAlgorithm,
  kDomainMismatch,
  kFromNotSigned,
  kNotChecked,
  kBodyUnavailable,
};

std::string_view DkimReasonName(DkimReason reason);

}  // namespace mv
