#include "scaleout/shard_slot.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace mv {
namespace {

std::optional<int64_t> Number(const EnvLookup& env, const char* name) {
  std::optional<std::string> v = env(name);
  if (!v || v->empty()) return std::nullopt;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size()) return std::nullopt;
  return n;
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<ShardSlot> ResolveShardSlot(int64_t flag_index, int64_t flag_count, const EnvLookup& env) {
  ShardSlot slot;
  std::optional<int64_t> index;
  std::optional<int64_t> count;
  if (flag_index >= 0) {
    index = flag_index;
    slot.origin = "--shard-index";
  } else if (auto id = Number(env, "SLURM_ARRAY_TASK_ID")) {
    index = *id - Number(env, "SLURM_ARRAY_TASK_MIN").value_or(0);
    count = Number(env, "SLURM_ARRAY_TASK_COUNT");
    slot.origin = "SLURM_ARRAY_TASK_ID";
  } else if (auto sge = Number(env, "SGE_TASK_ID")) {
    const auto first = Number(env, "SGE_TASK_FIRST");
    const auto last = Number(env, "SGE_TASK_LAST");
    const int64_t step = std::max<int64_t>(1, Number(env, "SGE_TASK_STEPSIZE").value_or(1));
    index = first ? (*sge - *first) / step : *sge - 1;
    if (first && last) count = (*last - *first) / step + 1;
    slot.origin = "SGE_TASK_ID";
  } else if (auto pbs = Number(env, "PBS_ARRAY_INDEX")) {
    index = *pbs;
    slot.origin = "PBS_ARRAY_INDEX";
  } else if (auto lsf = Number(env, "LSB_JOBINDEX")) {
    index = *lsf - 1;
    slot.origin = "LSB_JOBINDEX";
  } else if (auto k8s = Number(env, "JOB_COMPLETION_INDEX")) {
    index = *k8s;
    slot.origin = "JOB_COMPLETION_INDEX";
  } else if (auto aws = Number(env, "AWS_BATCH_JOB_ARRAY_INDEX")) {
    index = *aws;
    slot.origin = "AWS_BATCH_JOB_ARRAY_INDEX";
  } else if (auto mv = Number(env, "MV_SHARD_INDEX")) {
    index = *mv;
    slot.origin = "MV_SHARD_INDEX";
  } else {
    return Status::Error(
        "no shard index: give --shard-index, or run as an array task (SLURM_ARRAY_TASK_ID, "
        "SGE_TASK_ID, PBS_ARRAY_INDEX, LSB_JOBINDEX, JOB_COMPLETION_INDEX, "
        "AWS_BATCH_JOB_ARRAY_INDEX or MV_SHARD_INDEX)");
  }
  if (flag_count >= 0) {
    count = flag_count;
  } else if (!count) {
    count = Number(env, "MV_SHARD_COUNT");
  }
  if (!count) {
    return Status::Error("no shard count: " + slot.origin +
                         " gives the index only; give --shard-count or MV_SHARD_COUNT");
  }
  if (*count < 1 || *index < 0 || *index >= *count) {
    return Status::Error("shard index " + std::to_string(*index) + " (from " + slot.origin +
                         ") is outside 0.." + std::to_string(*count - 1));
  }
  slot.index = static_cast<uint64_t>(*index);
  slot.count = static_cast<uint64_t>(*count);
  return slot;
}

}  // namespace mv
