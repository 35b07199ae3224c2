#include "cli/options.h"

#include <charconv>

namespace mv {
namespace {

struct OptionSpec {
  const char* name;        // long name, without "--"
  char short_name;         // 0 when there is none
  const char* value_name;  // nullptr for a flag
  const char* help;
  // Applies the option; `value` is empty for a flag. Returns a usage error for a bad value.
  Status (*apply)(std::string_view value, Options* options);
};

Status ParseThreads(std::string_view value, Options* o) {
  int n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < 1 || n > 4096) {
    return Status::Error("--threads wants a whole number from 1 to 4096, not '" +
                         std::string(value) + "'");
  }
  o->threads = n;
  return Status::Ok();
}

// Options of every command; `help` and `version` also work without a command.
constexpr OptionSpec kOptions[] = {
    {"output", 'o', "FILE", "write the records to FILE instead of stdout",
     [](std::string_view v, Options* o) {
       o->output = std::string(v);
       return Status::Ok();
     }},
    {"threads", 0, "N", "worker threads (default: one per core)", ParseThreads},
    {"quiet", 'q', nullptr, "no progress line and no summary on stderr",
     [](std::string_view, Options* o) {
       o->quiet = true;
       return Status::Ok();
     }},
    {"help", 'h', nullptr, "show this help and exit",
     [](std::string_view, Options* o) {
       o->command = Options::Command::kHelp;
       return Status::Ok();
     }},
    {"version", 0, nullptr, "show the version and exit",
     [](std::string_view, Options* o) {
       o->command = Options::Command::kVersion;
       return Status::Ok();
     }},
};

const OptionSpec* FindLong(std::string_view name) {
  for (const OptionSpec& spec : kOptions) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

const OptionSpec* FindShort(char c) {
  for (const OptionSpec& spec : kOptions) {
    if (spec.short_name != 0 && spec.short_name == c) return &spec;
  }
  return nullptr;
}

}  // namespace

Result<Options> ParseOptions(std::span<const std::string_view> args) {
  Options options;
  bool have_command = false;
  bool only_paths = false;  // after "--"
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    const bool is_option = !only_paths && arg.size() > 1 && arg[0] == '-';
    if (!is_option) {
      if (!have_command) {
        if (arg != "scan") return Status::Error("unknown command '" + std::string(arg) + "'");
        have_command = true;
      } else {
        options.inputs.emplace_back(arg);
      }
      continue;
    }
    if (arg == "--") {
      only_paths = true;
      continue;
    }
    const OptionSpec* spec;
    std::string_view value;
    bool has_inline_value = false;
    if (arg[1] == '-') {
      std::string_view name = arg.substr(2);
      if (const size_t eq = name.find('='); eq != std::string_view::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_inline_value = true;
      }
      spec = FindLong(name);
      if (spec == nullptr) return Status::Error("unknown option --" + std::string(name));
    } else {
      spec = FindShort(arg[1]);
      if (spec == nullptr) return Status::Error("unknown option " + std::string(arg.substr(0, 2)));
      if (arg.size() > 2) {
        if (spec->value_name == nullptr) {
          return Status::Error("option -" + std::string(1, arg[1]) + " takes no value");
        }
        value = arg.substr(2);
        has_inline_value = true;
      }
    }
    if (spec->value_name == nullptr && has_inline_value) {
      return Status::Error("option --" + std::string(spec->name) + " takes no value");
    }
    if (spec->value_name != nullptr && !has_inline_value) {
      if (i + 1 >= args.size()) {
        return Status::Error("option --" + std::string(spec->name) + " needs a value (" +
                             spec->value_name + ")");
      }
      value = args[++i];
    }
    if (Status s = spec->apply(value, &options); !s.ok()) return s;
  }
  if (options.command != Options::Command::kScan) return options;
  if (!have_command) return Status::Error("no command given");
  if (options.inputs.empty())
    return Status::Error("scan needs at least one PATH (\"-\" for stdin)");
  return options;
}

std::string HelpText() {
  std::string text =
      "Usage: mailverify scan [OPTIONS] PATH...\n"
      "       mailverify --help | --version\n"
      "\n"
      "Reads every message of the given mbox files, Maildir trees, .eml files and directories\n"
      "(optionally gzip/xz/zstd/bzip2 compressed; \"-\" is stdin) and writes one JSON object per\n"
      "message per line.\n"
      "\n"
      "Options:\n";
  for (const OptionSpec& spec : kOptions) {
    std::string left = "  ";
    left += spec.short_name != 0 ? std::string("-") + spec.short_name + ", " : "    ";
    left += "--";
    left += spec.name;
    if (spec.value_name != nullptr) left += std::string(" ") + spec.value_name;
    if (left.size() < 26) left.resize(26, ' ');
    text += left + spec.help + "\n";
  }
  text +=
      "\n"
      "Exit status: 0 when every input was read, 1 when an input could not be read or the\n"
      "output could not be written (the other inputs are still processed), 2 on a usage error.\n";
  return text;
}

}  // namespace mv
