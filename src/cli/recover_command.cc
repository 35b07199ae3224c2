#include "cli/recover_command.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cli/terminal.h"
#include "recovery/key_recovery.h"
#include "recovery/recovered_zone.h"

namespace mv {
namespace {

// Writes `text` to `path` through a temporary file and a rename, so an interrupted run never
// leaves half a zone where a later `--keys` would read it.
Status WriteAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Status::Error("cannot open " + tmp + ": " + std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !written || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::Error("cannot write " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

// The progress line: redrawn in place on a terminal; elsewhere one line per finished key name.
class RecoveryProgressLine {
 public:
  RecoveryProgressLine(bool enabled, bool tty) : enabled_(enabled), tty_(tty) {}

  void Update(const KeyRecoveryProgress& p) {
    if (!enabled_ || (!tty_ && p.names_done == last_done_)) return;
    last_done_ = p.names_done;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(
        stderr, "%srecover-keys: %zu/%zu key names done, %zu keys found, %zu pairs tried, %.0f s%s",
        tty_ ? "\r\033[K" : "", p.names_done, p.names_total, p.keys_found, p.pairs_tried, elapsed,
        tty_ ? "" : "\n");
    std::fflush(stderr);
    drawn_ = tty_;
  }

  void Clear() {
    if (drawn_) std::fputs("\r\033[K", stderr);
    drawn_ = false;
  }

 private:
  bool enabled_, tty_;
  bool drawn_ = false;
  size_t last_done_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

int RunRecoverKeys(const Options& options) {
  KeyRecoveryOptions recovery;
  recovery.inputs = options.inputs;
  recovery.key_names = options.recover_selectors;
  recovery.max_seconds_per_key = options.max_seconds_per_key;
  recovery.threads = options.threads;
  if (options.at >= 0) recovery.verify_time = options.at;

  // Which keys are gone is a DNS question; with explicit key names there is none to ask.
  std::unique_ptr<DnsStack> dns;
  if (recovery.key_names.empty()) {
    Result<std::unique_ptr<DnsStack>> built = BuildDnsStack(options.dns);
    if (!built.ok()) {
      std::fprintf(stderr, "mailverify: %s\n", built.error().c_str());
      return 2;
    }
    dns = std::move(*built);
  }

  // As scan: redrawn on an interactive terminal, plain lines only with --progress, else none.
  const ProgressLine::Mode mode = ChooseProgressMode(options.quiet, options.progress);
  RecoveryProgressLine progress(mode != ProgressLine::Mode::kOff,
                                mode == ProgressLine::Mode::kTerminal);
  Result<KeyRecoveryReport> report =
      RecoverKeys(recovery, dns ? &dns->resolver() : nullptr,
                  [&progress](const KeyRecoveryProgress& p) { progress.Update(p); });
  progress.Clear();
  if (!report.ok()) {
    std::fprintf(stderr, "mailverify: %s\n", report.error().c_str());
    return 2;
  }

  const std::string zone = FormatRecoveredZone(*report);
  Status written = Status::Ok();
  if (options.output.empty()) {
    if (std::fwrite(zone.data(), 1, zone.size(), stdout) != zone.size() || std::fflush(stdout) != 0)
      written = Status::Error(std::string("cannot write stdout: ") + std::strerror(errno));
  } else {
    written = WriteAtomically(options.output, zone);
  }
  if (dns) {
    if (Status flushed = dns->Flush(); !flushed.ok() && written.ok()) written = flushed;
  }

  for (const std::string& failure : report->failed_inputs) {
    std::fprintf(stderr, "mailverify: cannot read %s\n", failure.c_str());
  }
  if (!written.ok()) std::fprintf(stderr, "mailverify: %s\n", written.message().c_str());
  if (!options.quiet) std::fputs(FormatRecoverySummary(*report).c_str(), stderr);
  return written.ok() && report->failed_inputs.empty() ? 0 : 1;
}

}  // namespace mv
