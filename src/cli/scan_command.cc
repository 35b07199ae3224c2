#include "cli/scan_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

#include "archive/archive_reader.h"
#include "audit/audit_sink.h"
#include "audit/bounce_check.h"
#include "audit/html_report.h"
#include "audit/result_store.h"
#include "cli/evidence_run.h"
#include "cli/input_size.h"
#include "cli/keys_command.h"
#include "cli/progress_line.h"
#include "cli/terminal.h"
#include "imap/input_sequence.h"
#include "pipeline/pipeline.h"
#include "report/summary.h"
#include "util/json_writer.h"
#include "verify/auth_check.h"

namespace mv {
namespace {

// The pipeline's writer: one fwrite per batch, then the summary and the progress line.
class OutputSink : public BatchSink {
 public:
  OutputSink(std::FILE* out, const std::string& name, RunSummary* summary, ProgressLine* progress,
             Sha256* hash = nullptr, ImapReadLog* imap_reads = nullptr)
      : out_(out),
        name_(name),
        summary_(summary),
        progress_(progress),
        hash_(hash),
        imap_reads_(imap_reads) {}

  Status Consume(std::span<const MessageRecord> records, std::string_view formatted) override {
    if (!formatted.empty() &&
        std::fwrite(formatted.data(), 1, formatted.size(), out_) != formatted.size()) {
      return Status::Error("cannot write " + name_ + ": " + std::strerror(errno));
    }
    if (hash_ != nullptr) hash_->Update(formatted);  // the manifest's results hash, no re-read
    if (imap_reads_ != nullptr) imap_reads_->Add(records);  // the manifest's IMAP facts
    for (const MessageRecord& r : records) summary_->Add(r);
    progress_->Update(*summary_);
    return Status::Ok();
  }

 private:
  std::FILE* out_;
  const std::string& name_;
  RunSummary* summary_;
  ProgressLine* progress_;
  Sha256* hash_;
  ImapReadLog* imap_reads_;
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
  check.dmarc_rules = options.dmarc_rules;
  check.dkim.strict = options.strict;
  check.dkim.max_signatures = options.max_signatures;
  check.dkim.max_signed_headers = options.max_signed_headers;
  check.dkim.max_key_bits = options.max_key_bits;
  check.spf.evaluator.max_dns_lookups = options.spf_max_lookups;
  check.spf.evaluator.max_void_lookups = options.spf_max_void_lookups;
  check.authserv_id = options.authserv_id.empty() ? HostName() : options.authserv_id;
  check.spf.envelope.receivers = options.receivers;
  check.spf.envelope.authserv_id = check.authserv_id;
  check.spf.evaluator.receiver = check.authserv_id;
  return check;
}

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

// The options that shape a run's results, for the `runs` row of --db.
std::string DescribeRun(const Options& options) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("inputs").BeginArray();
  for (const std::string& input : options.inputs) w.String(input);
  w.EndArray();
  w.Key("at");
  if (options.at_received) {
    w.String("received");
  } else {
    w.Int(options.at);
  }
  w.Field("strict", options.strict);
  w.Key("dns_zone").BeginArray();
  for (const std::string& zone : options.dns.zone_files) w.String(zone);
  w.EndArray();
  w.Field("keys", options.dns.keys_file);
  w.Key("receivers").BeginArray();
  for (const std::string& r : options.receivers) w.String(r);
  w.EndArray();
  w.EndObject();
  return out;
}

ProgressLine::Mode ProgressMode(const Options& options) {
  return ChooseProgressMode(options.quiet, options.progress);
}

// Cache misses are what verify still had to ask (0 when every round fetched ahead); rounds and
// waits say how often batches were parked for DNS, network queries include CNAME re-queries.
std::string FormatDnsStats(const DnsStack& dns, const Pipeline::Stats& pipeline) {
  const DnsStats s = dns.stats();
  std::string line =
      "dns (" + dns.description() + "): " + std::to_string(s.lookups) + " lookups, " +
      std::to_string(s.hits) + " cache hits, " + std::to_string(s.misses) + " misses, " +
      std::to_string(s.queries) + " queries sent, " + std::to_string(s.failures) + " failures (" +
      std::to_string(s.timeouts) + " timeouts), " + std::to_string(s.holds) + " domains held";
  if (s.network_queries != 0) {
    line += ", " + std::to_string(s.network_queries) + " on the wire (" + s.network_kinds + ")";
  }
  if (pipeline.dns_rounds != 0) {
    line += "; " + std::to_string(pipeline.dns_rounds) + " prefetch rounds, " +
            std::to_string(pipeline.dns_waits) + " batches waited";
  }
  line += "; peak " + std::to_string(pipeline.peak_bytes >> 10) + " KiB of messages in flight\n";
  return line;
}

}  // namespace

int RunScan(const Options& given) {
  // --manifest/--bundle pin the time and authserv-id and point the results into the bag.
  Result<std::unique_ptr<EvidenceRun>> evidence = EvidenceRun::Start(given);
  if (!evidence.ok()) {
    std::fprintf(stderr, "mailverify: %s\n", evidence.error().c_str());
    return 2;
  }
  const Options& options = (*evidence)->options();
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
  // Paths go through the archive reader, imap:// and imaps:// URLs through the IMAP reader.
  InputSequence reader(std::move(inputs), ArchiveOptionsOf(options), options.imap);

  PipelineOptions pipeline_options;
  pipeline_options.threads = options.threads;
  // Answers from zone files are in memory: batching the questions would only cost a second parse.
  // A recording run keeps the batch so that it records the same answers as a live one.
  pipeline_options.prefetch = options.dns.zone_files.empty() || !options.dns.record_file.empty();
  pipeline_options.header_limits = options.header_limits;
  pipeline_options.max_bytes = options.max_inflight_bytes;
  pipeline_options.parked_stale_after = std::chrono::milliseconds(options.dns.live.timeout_ms / 2);
  Pipeline pipeline(pipeline_options, &(*dns)->resolver());
  if (const MessageCheck* hash = (*evidence)->hash_check()) pipeline.AddCheck(hash);
  KeyTrust key_trust;
  if (Status st = SetUpKeyTrust(options, (*dns)->memory_sources(), &key_trust); !st.ok()) {
    std::fprintf(stderr, "mailverify: %s\n", st.message().c_str());
    if (out != stdout) std::fclose(out);
    return 2;
  }
  KeyUsageLog key_usage;
  AuthCheckOptions check_options = MakeAuthCheckOptions(options);
  check_options.key_trust = &key_trust;
  if (!options.keys_export_file.empty()) check_options.key_usage = &key_usage;
  AuthCheck auth_check(&(*dns)->resolver(), std::move(check_options));
  pipeline.AddCheck(&auth_check);
  BounceCheck bounce_check;
  pipeline.AddCheck(&bounce_check);
  if (options.format == Options::Format::kAuthResults) pipeline.SetFormatter(FormatAuthResults);

  RunSummary summary;
  ProgressLine progress(stderr, ProgressMode(options));
  if (ProgressMode(options) != ProgressLine::Mode::kOff) {
    const InputSize size = MeasureInputs(options.inputs);
    progress.SetTotalBytes(size.bytes, size.known && options.input_specs.empty());
  }
  OutputSink sink(out, out_name, &summary, &progress, (*evidence)->results_hash(),
                  (*evidence)->imap_reads());

  // --db and --html: the records also go to SQLite (a private in-memory database for --html
  // alone), written by the same serial stage, one transaction per batch.
  std::unique_ptr<ResultStore> store;
  if (!options.db_file.empty() || !options.html_file.empty()) {
    Result<std::unique_ptr<ResultStore>> opened =
        ResultStore::Open(options.db_file.empty() ? ":memory:" : options.db_file);
    Status begun = opened.ok() ? (*opened)->BeginRun({MV_VERSION, DescribeRun(options),
                                                      (*dns)->description(), std::time(nullptr)})
                               : opened.status();
    if (!begun.ok()) {
      std::fprintf(stderr, "mailverify: %s\n", begun.message().c_str());
      if (out != stdout) std::fclose(out);
      return 1;
    }
    store = std::move(*opened);
  }
  AuditSink audit_sink(&sink, store.get());
  BatchSink* run_sink = store ? static_cast<BatchSink*>(&audit_sink) : &sink;
  Status status = pipeline.Run([&reader](RawMessage* m) { return reader.Next(m); }, run_sink);
  if (store && status.ok()) {
    status = store->EndRun(std::time(nullptr), summary.messages(), summary.input_errors());
  }
  if (store && status.ok() && !options.html_file.empty()) {
    HtmlReportOptions html;
    html.run_id = store->run_id();
    html.top_domains = options.top_domains;
    status = WriteHtmlReport(store->db(), html, options.html_file);
  }

  if (status.ok() && std::fflush(out) != 0) {
    status = Status::Error("cannot write " + out_name + ": " + std::strerror(errno));
  }
  if (out != stdout && std::fclose(out) != 0 && status.ok()) {
    status = Status::Error("cannot write " + out_name + ": " + std::strerror(errno));
  }
  progress.Clear();
  if (!options.keys_export_file.empty() && status.ok()) {
    status = key_usage.Write(options.keys_export_file);
  }
  if (Status flushed = (*dns)->Flush(); !flushed.ok() && status.ok()) status = flushed;
  if (status.ok()) status = (*evidence)->Finish(summary);

  for (const std::string& failure : reader.failed_inputs()) {
    std::fprintf(stderr, "mailverify: cannot read %s\n", failure.c_str());
  }
  if (!status.ok()) std::fprintf(stderr, "mailverify: %s\n", status.message().c_str());
  if (!options.quiet) {
    std::fputs(summary.Format(progress.ElapsedSeconds()).c_str(), stderr);
    std::fputs(FormatDnsStats(**dns, pipeline.stats()).c_str(), stderr);
    std::fputs(FormatLateFindings(key_trust).c_str(), stderr);
  }

  const bool inputs_ok = reader.failed_inputs().empty() && summary.input_errors() == 0;
  return status.ok() && inputs_ok ? 0 : 1;
}

}  // namespace mv
