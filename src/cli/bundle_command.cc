#include "cli/bundle_command.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "evidence/bag_layout.h"
#include "evidence/bag_verifier.h"
#include "evidence/durable_file.h"
#include "evidence/ed25519_key.h"
#include "evidence/timestamp.h"
#include "scaleout/sha256.h"

namespace mv {
namespace fs = std::filesystem;

namespace {

int Fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "mailverify: %s\n", message.c_str());
  return code;
}

std::string BagFile(const std::string& dir, const char* name) {
  return dir + "/" + name;
}

// Runs `argv` (argv[0] the program) in `cwd`; returns its exit status, or -1 when it did not run.
int RunProcess(const std::vector<std::string>& argv, const std::string& cwd) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// --replay: the inputs must be the ones hashed in the manifest; the scan is re-run from the bag's
// DNS evidence and keys only, and its results must equal data/results.jsonl byte for byte.
void Replay(const std::string& bag_dir, const JsonValue& manifest, BagReport* report) {
  if (!manifest.is_object()) {
    report->Fail("--replay: no usable data/manifest.json");
    return;
  }
  // An IMAP mailbox is not a file the bag can point at: re-reading it would be another session on a
  // server whose mailbox may have changed, so there is nothing to compare byte for byte.
  for (const JsonValue& in : manifest["imap_inputs"].items()) {
    report->Fail("--replay: " + in["url"].AsString() +
                 " is an IMAP input and cannot be re-read offline; not replayed (the manifest's "
                 "imap_inputs record the mailboxes, UIDVALIDITY and UID ranges read)");
  }
  if (!manifest["imap_inputs"].items().empty()) return;
  const std::string cwd = manifest["working_directory"].AsString();
  const std::string resolve_from = fs::is_directory(cwd) ? cwd : std::string();
  size_t inputs_ok = 0;
  for (const JsonValue& in : manifest["inputs"].items()) {
    const std::string& path = in["path"].AsString();
    const std::string full = fs::path(path).is_absolute() || resolve_from.empty()
                                 ? path
                                 : (fs::path(resolve_from) / path).string();
    Result<std::string> sha =
        in["sha256"].is_string() ? Sha256OfFile(full) : Result<std::string>(Status::Error(""));
    if (!sha.ok() || *sha != in["sha256"].AsString()) {
      report->Fail("input " + path + ": missing, unhashed or not the bytes of the run");
    } else {
      ++inputs_ok;
    }
  }
  if (inputs_ok != manifest["inputs"].items().size()) return;
  report->Pass("inputs: " + std::to_string(inputs_ok) + " files have the manifest's sha256");

  const std::string abs_bag = fs::absolute(bag_dir).string();
  std::string temp = (fs::temp_directory_path() / "mailverify-replay-XXXXXX").string();
  if (::mkdtemp(temp.data()) == nullptr) {
    report->Fail("--replay: cannot make a temporary directory");
    return;
  }
  const std::string out = temp + "/results.jsonl";
  std::vector<std::string> argv = {"/proc/self/exe", "scan", "-q"};
  for (const JsonValue& a : manifest["replay_args"].items()) argv.push_back(a.AsString());
  argv.insert(argv.end(), {"--dns-zone", abs_bag + "/" + bag::kDnsEvidence, "-o", out});
  std::error_code ec;
  for (const auto& key : fs::directory_iterator(abs_bag + "/" + bag::kKeysDir, ec)) {
    argv.insert(argv.end(), {"--keys", key.path().string()});
  }
  // Key trust files (DIR/NN/NAME), in the run's order: NN is the place on its command line.
  const std::pair<const char*, const char*> trust[] = {
      {bag::kCompromisedKeysDir, "--compromised-keys"}, {bag::kKnownModuliDir, "--known-moduli"}};
  for (const auto& [dir, option] : trust) {
    std::vector<std::pair<unsigned long, std::string>> files;
    for (const auto& numbered : fs::directory_iterator(abs_bag + "/" + dir, ec)) {
      const unsigned long place = std::strtoul(numbered.path().filename().c_str(), nullptr, 10);
      for (const auto& f : fs::directory_iterator(numbered.path(), ec)) {
        files.emplace_back(place, f.path().string());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& [place, f] : files) argv.insert(argv.end(), {option, f});
  }
  argv.push_back("--");
  for (const JsonValue& a : manifest["input_args"].items()) argv.push_back(a.AsString());
  // The executable must be resolved before chdir: /proc/self/exe of the child is the same binary.
  const int rc = RunProcess(argv, resolve_from);
  Result<std::string> replayed = ReadWholeFile(out);
  Result<std::string> original = ReadWholeFile(BagFile(bag_dir, bag::kResults));
  fs::remove_all(temp, ec);
  if (rc < 0 || rc > 1 || !replayed.ok()) {
    report->Fail("--replay: the offline scan did not run (exit " + std::to_string(rc) + ")");
  } else if (!original.ok() || *replayed != *original) {
    report->Fail(std::string(bag::kResults) +
                 ": the offline replay from the bag's DNS evidence gives different results");
  } else {
    report->Pass(std::string(bag::kResults) + ": the offline replay reproduces it byte for byte");
  }
}

int Verify(const Options& options, const std::string& dir) {
  BagVerifyOptions vo;
  vo.public_key_file = options.evidence.public_key;
  vo.tsa_ca_file = options.evidence.tsa_ca;
  const BagReport report = VerifyBag(dir, vo, options.evidence.replay ? Replay : BagReplay());
  for (const std::string& line : report.passed) std::printf("ok: %s\n", line.c_str());
  for (const std::string& line : report.failures) std::printf("FAIL: %s\n", line.c_str());
  std::printf(
      "%s: %s\n", dir.c_str(),
      report.ok() ? "verified" : (std::to_string(report.failures.size()) + " failures").c_str());
  return report.ok() ? 0 : 1;
}

int TimestampRequest(const Options& options, const std::string& dir) {
  if (options.output.empty()) return Fail("bundle timestamp-request needs -o FILE", 2);
  if (fs::exists(BagFile(dir, bag::kTimestampReply))) {
    return Fail(dir + " already holds a timestamp reply");
  }
  Result<std::string> digest = TagManifestDigest(dir);
  if (!digest.ok()) return Fail(digest.error());
  Result<std::string> request = MakeTimestampRequest(*digest);
  if (!request.ok()) return Fail(request.error());
  // The bag keeps the request too: its nonce is what ties the reply to this request.
  if (Status st = ReplaceFileAtomically(BagFile(dir, bag::kTimestampRequest), *request); !st.ok()) {
    return Fail(st.message());
  }
  if (Status st = ReplaceFileAtomically(options.output, *request); !st.ok()) {
    return Fail(st.message());
  }
  return 0;
}

int AddTimestamp(const std::string& dir, const std::string& reply_file) {
  Result<std::string> request = ReadWholeFile(BagFile(dir, bag::kTimestampRequest));
  if (!request.ok()) return Fail(dir + ": no timestamp request (run bundle timestamp-request)");
  Result<std::string> reply = ReadWholeFile(reply_file);
  if (!reply.ok()) return Fail(reply.error());
  Result<std::string> digest = TagManifestDigest(dir);
  if (!digest.ok()) return Fail(digest.error());
  Result<std::string> time = CheckTimestampReply(*request, *reply, *digest);
  if (!time.ok()) return Fail(reply_file + ": " + time.error());
  if (Status st = ReplaceFileAtomically(BagFile(dir, bag::kTimestampReply), *reply); !st.ok()) {
    return Fail(st.message());
  }
  std::printf("%s: timestamp of %s stored\n", dir.c_str(), time->c_str());
  return 0;
}

}  // namespace

int RunKeygen(const Options& options) {
  const std::string path = !options.output.empty()      ? options.output
                           : options.inputs.size() == 1 ? options.inputs[0]
                                                        : std::string();
  if (path.empty()) return Fail("keygen needs one KEYFILE", 2);
  if (Status st = GenerateEd25519KeyFiles(path); !st.ok()) return Fail(st.message());
  Result<std::string> pub = ReadEd25519Public(path + ".pub");
  if (!pub.ok()) return Fail(pub.error());
  std::printf("secret key: %s\npublic key: %s.pub\nfingerprint (sha256 of the raw key): %s\n",
              path.c_str(), path.c_str(), Ed25519Fingerprint(*pub).c_str());
  return 0;
}

int RunBundle(const Options& options) {
  const std::vector<std::string>& a = options.inputs;
  const std::string sub = a.empty() ? std::string() : a[0];
  if (sub == "verify" && a.size() == 2) return Verify(options, a[1]);
  if (sub == "timestamp-request" && a.size() == 2) return TimestampRequest(options, a[1]);
  if (sub == "add-timestamp" && a.size() == 3) return AddTimestamp(a[1], a[2]);
  return Fail("bundle wants: verify DIR | timestamp-request DIR -o FILE | add-timestamp DIR FILE",
              2);
}

}  // namespace mv
