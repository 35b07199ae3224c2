// ShardPlan: the deterministic description of a scale-out run — the inputs as they were when the
// plan was made (size, mtime), the shards (whole files, or byte ranges of an uncompressed mbox cut
// at message boundaries, each numbered as a whole-file read would number it), the DNS snapshot's
// checksum and the verification settings. Every array task reads the same plan, so every shard is
// reproducible and the concatenation of the shards in plan order is the single-machine scan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "archive/archive_reader.h"
#include "util/status.h"

namespace mv {

struct PlannedInput {
  std::string path;
  bool directory = false;   // a directory: size is the sum of its message files' sizes
  bool splittable = false;  // an uncompressed mbox the planner may cut into ranges
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  std::optional<uint64_t> messages;  // counted by the planner (splittable inputs only)
};

// A contiguous part of one input. `end` is UINT64_MAX for "to the end of the input".
struct ShardPiece {
  size_t input = 0;  // index into ShardPlan::inputs
  uint64_t begin = 0;
  uint64_t end = UINT64_MAX;
  uint64_t first_index = 0;
  std::optional<uint64_t> messages;  // known when the planner counted the input
};

struct Shard {
  std::vector<ShardPiece> pieces;
  uint64_t bytes = 0;  // planned weight
  // Records the shard's scan writes, when every piece's count is known.
  std::optional<uint64_t> messages() const;
};

// A DNS file every shard reads: a --dns-zone snapshot or the --keys file. `sha256` is empty while
// the snapshot is still to be made by `mailverify dns-snapshot --plan` (the Slurm snapshot job).
struct PlannedDnsFile {
  enum class Role { kZone, kKeys };
  Role role = Role::kZone;
  std::string path;
  std::string sha256;
};

// What every shard verifies with: fixed at planning time so that all shards agree ("now" and the
// default authserv-id, the host name, differ between nodes).
struct PlannedVerification {
  int64_t at = 0;
  bool at_received = false;
  bool strict = false;
  uint64_t max_signatures = 20;
  std::vector<std::string> receivers;
  std::string authserv_id;
};

struct ShardPlan {
  static constexpr int kVersion = 1;
  std::vector<PlannedInput> inputs;
  std::vector<Shard> shards;
  std::vector<PlannedDnsFile> dns_files;
  PlannedVerification verification;
  std::string workdir;  // where the plan was made: relative input paths are relative to it
  // The `plan` command line as given. Shards parse it again for their scan options, so every
  // option that changes a record (today's and any added later) is the same in every shard.
  std::vector<std::string> argv;

  // The InputSpecs an ArchiveReader needs for shard `s`.
  std::vector<InputSpec> InputSpecs(size_t s) const;
  // True when a zone snapshot is still to be made.
  bool SnapshotPending() const;
};

std::string PlanToJson(const ShardPlan& plan);
Result<ShardPlan> PlanFromJson(std::string_view json);

// Reads a plan file; `sha256` (optional) receives the checksum of its bytes.
Result<ShardPlan> LoadPlan(const std::string& path, std::string* sha256);

// Compares the inputs and the DNS files with the plan: an error names every input whose size or
// mtime changed and every DNS file whose checksum changed. A pending snapshot must exist by now;
// `dns_sha256` receives the checksums the run will use (in plan order, joined by ','), so that
// shards can prove they all saw the same snapshot.
Status CheckPlanInputs(const ShardPlan& plan, std::string* dns_sha256);

// The size/mtime facts of a path as the planner records them.
Status StatPlannedInput(PlannedInput* input);

}  // namespace mv
