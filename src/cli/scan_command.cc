#include "cli/scan_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

#include "archive/archive_reader.h"
#include "cli/progress_line.h"
#include "pipeline/pipeline.h"
#include "report/summary.h"
#include "verify/auth_check.h"

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

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

AuthCheckOptions MakeAuthCheckOptions(const Options& options) {
  AuthCheckOptions check;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  check.time_mode = options.at_received ? VerifyTimeMode::kReceived : VerifyTimeMode::kFixed;
  check.fixed_time = options.at >= 0 ? options.at : now;
  check.dkim.strict = options.strict;
  check.dkim.max_signatures = options.max_signatures;
  check.authserv_id = options.authserv_id.empty() ? HostName() : options.authserv_id;
  check.spf.envelope.receivers = options.receivers;
  check.spf.envelope.authserv_id = check.authserv_id;
  check.spf.evaluator.receiver = check.authserv_id;
  return check;
}
  check.dkim.max_signed_headers = options.max_signed_headers;
  check.dkim.max_key_bits = options.max_key_bits;
  check.spf.evaluator.max_dns_lookups = options.spf_max_lookups;
  check.spf.evaluator.max_void_lookups = options.spf_max_void_lookups;

// --format ar: the record's Authentication-Results header, or a comment naming the input error.
void FormatAuthResults(const ParsedMessage&, const MessageRecord& record, std::string* out) {
  if (record.auth_results) {
    out->append("Authentication-Results: ").append(*record.auth_results).append("\n");
  } else {
    out->append("X-Mailverify-Error: ")
        .append(record.provenance.source)
        .append(": ")
        .append(record.error)
        .append("\n");
  }
}

std::string FormatDnsStats(const DnsStack& dns) {
  const DnsStats s = dns.stats();
  return "dns (" + dns.description() + "): " + std::to_string(s.lookups) + " lookups, " +
         std::to_string(s.hits) + " cache hits, " + std::to_string(s.misses) + " misses, " +
         std::to_string(s.queries) + " queries sent, " + std::to_string(s.failures) +
         " failures (" + std::to_string(s.timeouts) + " timeouts), " + std::to_string(s.holds) +
         " domains held\n";
}

}  // namespace

int RunScan(const Options& options) {
  Result<std::unique_ptr<DnsStack>> dns = BuildDnsStack(options.dns);
  if (!dns.ok()) {
    std::fprintf(stderr, "mailverify: %s\n", dns.error().c_str());
    return 2;
  }

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

  std::vector<InputSpec> inputs = options.input_specs;
  if (inputs.empty()) {
    for (const std::string& path : options.inputs) inputs.push_back(InputSpec{path});
  }
  ArchiveOptions archive_options;
  archive_options.max_message_size = options.max_message_size;
  ArchiveReader reader(std::move(inputs), archive_options);

  PipelineOptions pipeline_options;
  pipeline_options.threads = options.threads;
  // Answers from zone files are in memory: batching the questions would only cost a second parse.
  // A recording run keeps the batch so that it records the same answers as a live one.
  pipeline_options.prefetch = options.dns.zone_files.empty() || !options.dns.record_file.empty();
  Pipeline pipeline(pipeline_options, &(*dns)->resolver());
  AuthCheck auth_check(&(*dns)->resolver(), MakeAuthCheckOptions(options));
  pipeline.AddCheck(&auth_check);
  if (options.format == Options::Format::kAuthResults) pipeline.SetFormatter(FormatAuthResults);

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
  if (Status flushed = (*dns)->Flush(); !flushed.ok() && status.ok()) status = flushed;

  for (const std::string& failure : reader.failed_inputs()) {
    std::fprintf(stderr, "mailverify: cannot read %s\n", failure.c_str());
  }
  if (!status.ok()) std::fprintf(stderr, "mailverify: %s\n", status.message().c_str());
  if (!options.quiet) {
    std::fputs(summary.Format(progress.ElapsedSeconds()).c_str(), stderr);
    std::fputs(FormatDnsStats(**dns).c_str(), stderr);
  }

  const bool inputs_ok = reader.failed_inputs().empty() && summary.input_errors() == 0;
  return status.ok() && inputs_ok ? 0 : 1;
}

}  // namespace mv
  pipeline_options.header_limits = options.header_limits;
