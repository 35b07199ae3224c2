#include "scaleout/shard_planner.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "archive/archive_reader.h"

namespace mv {
namespace {

// A cut: before byte `offset` of input `input`, where `index` messages of that input precede it.
// Cuts at offset 0 are normalised so equal positions compare equal.
struct Cut {
  size_t input = 0;
  uint64_t offset = 0;
  uint64_t index = 0;
  bool operator<(const Cut& o) const {
    return input != o.input ? input < o.input : offset < o.offset;
  }
  bool operator==(const Cut& o) const { return input == o.input && offset == o.offset; }
};

bool StartsWithFromLine(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char head[8] = {};
  const size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  // As the reader detects an mbox: "From ", or a UTF-8 byte order mark and "From ".
  return (n >= 5 && std::memcmp(head, "From ", 5) == 0) || (n == 8 && std::memcmp(head,
                                                                                  "\xEF\xBB\xBF"
                                                                                  "From ",
                                                                                  8) == 0);
}

// Moves each target offset of one mbox to the first message starting at or after it, reading the
// file once. Returns the file's message count.
Result<uint64_t> SnapToMessages(const std::string& path, const ArchiveOptions& options,
                                std::vector<Cut>* cuts) {
  ArchiveReader reader({InputSpec{path}}, options);
  RawMessage m;
  uint64_t count = 0;
  size_t next = 0;  // first cut not yet placed (cuts are sorted by offset)
  while (reader.Next(&m)) {
    if (m.input_error) break;
    while (next < cuts->size() && (*cuts)[next].offset <= m.provenance.offset) {
      (*cuts)[next].offset = m.provenance.offset;
      (*cuts)[next].index = count;
      ++next;
    }
    ++count;
  }
  if (!reader.failed_inputs().empty()) {
    return Status::Error("cannot plan " + reader.failed_inputs().front());
  }
  for (; next < cuts->size(); ++next) (*cuts)[next].offset = UINT64_MAX;  // past the last message
  return count;
}

}  // namespace

Status PlanShards(const std::vector<std::string>& paths, size_t shard_count,
                  const ArchiveOptions& archive_options, ShardPlan* plan) {
  if (shard_count == 0) return Status::Error("--shards must be at least 1");
  plan->inputs.clear();
  plan->shards.clear();
  unsigned __int128 total = 0;
  for (const std::string& path : paths) {
    if (path == "-")
      return Status::Error("cannot plan stdin: shards must be able to reread inputs");
    PlannedInput in;
    in.path = path;
    if (Status s = StatPlannedInput(&in); !s.ok()) return s;
    in.splittable = !in.directory && in.size > 0 && StartsWithFromLine(path);
    total += in.size;
    plan->inputs.push_back(std::move(in));
  }

  // Ideal cut positions on the concatenation of all inputs, mapped to (input, offset).
  std::vector<std::vector<Cut>> targets(plan->inputs.size());
  std::vector<Cut> cuts;
  size_t input = 0;
  unsigned __int128 base = 0;
  for (size_t k = 1; k < shard_count; ++k) {
    const unsigned __int128 at = total * k / shard_count;
    while (input < plan->inputs.size() && base + plan->inputs[input].size <= at) {
      base += plan->inputs[input].size;
      ++input;
    }
    if (input == plan->inputs.size()) break;
    const PlannedInput& in = plan->inputs[input];
    const uint64_t local = static_cast<uint64_t>(at - base);
    if (local == 0) {
      cuts.push_back(Cut{input, 0, 0});
    } else if (in.splittable) {
      targets[input].push_back(Cut{input, local, 0});
    } else if (local * 2 < in.size) {
      cuts.push_back(Cut{input, 0, 0});
    } else {
      cuts.push_back(Cut{input + 1, 0, 0});
    }
  }
  for (size_t i = 0; i < plan->inputs.size(); ++i) {
    PlannedInput& in = plan->inputs[i];
    if (!in.splittable || targets[i].empty()) continue;  // only a cut needs the count
    Result<uint64_t> count = SnapToMessages(in.path, archive_options, &targets[i]);
    if (!count.ok()) return count.status();
    in.messages = *count;
    for (Cut c : targets[i]) {
      if (c.offset == UINT64_MAX) c = Cut{i + 1, 0, 0};
      cuts.push_back(c);
    }
  }
  for (Cut& c : cuts) {
    if (c.offset == 0) c.index = 0;
  }
  cuts.push_back(Cut{0, 0, 0});
  cuts.push_back(Cut{plan->inputs.size(), 0, 0});
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

  // Shard k runs from cut k to cut k+1, as pieces of the inputs between them.
  for (size_t k = 0; k + 1 < cuts.size(); ++k) {
    const Cut& from = cuts[k];
    const Cut& to = cuts[k + 1];
    Shard shard;
    for (size_t i = from.input; i < plan->inputs.size() && i <= to.input; ++i) {
      if (i == to.input && to.offset == 0) break;
      const PlannedInput& in = plan->inputs[i];
      ShardPiece piece;
      piece.input = i;
      piece.begin = i == from.input ? from.offset : 0;
      piece.first_index = i == from.input ? from.index : 0;
      piece.end = i == to.input ? to.offset : UINT64_MAX;
      const uint64_t end_byte = piece.end == UINT64_MAX ? in.size : piece.end;
      if (in.messages) {
        const uint64_t end_index = i == to.input ? to.index : *in.messages;
        piece.messages = end_index - piece.first_index;
      }
      shard.bytes += end_byte - piece.begin;
      shard.pieces.push_back(piece);
    }
    if (!shard.pieces.empty()) plan->shards.push_back(std::move(shard));
  }
  return Status::Ok();
}

}  // namespace mv
