#include "cli/scan_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "archive/archive_reader.h"
#include "cli/progress_line.h"
#include "pipeline/pipeline.h"
#include "report/summary.h"

namespace mv {
namespace {

// The pipeline's writer: one fwrite per batch, then the summary and the progress line.
class OutputSink : public BatchSink {
 public:
  OutputSink(std::FILE* out, const std::string& name, RunSummary* summary, ProgressLine* progress)
      : out_(out), name_(name), summary_(summary), progress_(progress) {}

  Status Consume(std::span<const MessageRecord> records, std::string_view formatted) override {
    if (!formatted.empty() &&
        std::fwrite(formatted.data(), 1, formatted.size(), out_) != formatted.size()) {
      return Status::Error("cannot write " + name_ + ": " + std::strerror(errno));
    }
    for (const MessageRecord& r : records) summary_->Add(r);
    progress_->Update(*summary_);
    return Status::Ok();
  }

 private:
  std::FILE* out_;
  const std::string& name_;
  RunSummary* summary_;
  ProgressLine* progress_;
};

}  // namespace

int RunScan(const Options& options) {
  const std::string out_name = options.output.empty() ? "stdout" : options.output;
  std::FILE* out = stdout;
  if (!options.output.empty()) {
    out = std::fopen(options.output.c_str(), "wb");
    if (out == nullptr) {
      std::fprintf(stderr, "mailverify: cannot open %s: %s\n", options.output.c_str(),
                   std::strerror(errno));
      return 1;
    }
  }

  std::vector<InputSpec> inputs;
  for (const std::string& path : options.inputs) inputs.push_back(InputSpec{path});
  ArchiveReader reader(std::move(inputs));

  PipelineOptions pipeline_options;
  pipeline_options.threads = options.threads;
  Pipeline pipeline(pipeline_options, nullptr);

  RunSummary summary;
  ProgressLine progress(stderr, !options.quiet && isatty(STDERR_FILENO));
  OutputSink sink(out, out_name, &summary, &progress);
  Status status = pipeline.Run([&reader](RawMessage* m) { return reader.Next(m); }, &sink);

  if (status.ok() && std::fflush(out) != 0) {
    status = Status::Error("cannot write " + out_name + ": " + std::strerror(errno));
  }
  if (out != stdout && std::fclose(out) != 0 && status.ok()) {
    status = Status::Error("cannot write " + out_name + ": " + std::strerror(errno));
  }
  progress.Clear();

  for (const std::string& failure : reader.failed_inputs()) {
    std::fprintf(stderr, "mailverify: cannot read %s\n", failure.c_str());
  }
  if (!status.ok()) std::fprintf(stderr, "mailverify: %s\n", status.message().c_str());
  if (!options.quiet) std::fputs(summary.Format(progress.ElapsedSeconds()).c_str(), stderr);

  const bool inputs_ok = reader.failed_inputs().empty() && summary.input_errors() == 0;
  return status.ok() && inputs_ok ? 0 : 1;
}

}  // namespace mv
