// BagLayout: the names of the files of a mailverify evidence bag (BagIt 1.0, RFC 8493), shared by
// the writer, the signer, the timestamp commands and the verifier. docs/EVIDENCE.md explains each.
#pragma once

namespace mv::bag {

inline constexpr char kBagit[] = "bagit.txt";
inline constexpr char kBagInfo[] = "bag-info.txt";
inline constexpr char kPayloadManifest[] = "manifest-sha256.txt";
inline constexpr char kTagManifest[] = "tagmanifest-sha256.txt";
// Outside the tag manifest (they are made over it): each is checked on its own by the verifier.
inline constexpr char kSignature[] = "tagmanifest-sha256.txt.ed25519";  // raw 64-byte signature
inline constexpr char kKeyFingerprint[] = "signing-key-sha256.txt";     // hex SHA-256 of the key
inline constexpr char kTimestampRequest[] = "tagmanifest-sha256.txt.tsq";
inline constexpr char kTimestampReply[] = "tagmanifest-sha256.txt.tsr";

inline constexpr char kResults[] = "data/results.jsonl";
inline constexpr char kDnsEvidence[] = "data/dns-evidence.zone";
inline constexpr char kKeysDir[] = "data/keys";
// --compromised-keys and --known-moduli files, as NN/NAME (NN: command-line order, NAME: its own).
inline constexpr char kCompromisedKeysDir[] = "data/trust/compromised-keys";
inline constexpr char kKnownModuliDir[] = "data/trust/known-moduli";
inline constexpr char kManifest[] = "data/manifest.json";
inline constexpr char kReport[] = "data/report.html";

}  // namespace mv::bag
