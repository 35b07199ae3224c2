#include "cli/command_help.h"

#include <cctype>
#include <cstdio>

namespace mv {

void AppendOptionHelp(const OptionSpec& spec, std::string* text) {
  std::string left = "  ";
  left += spec.short_name != 0 ? std::string("-") + spec.short_name + ", " : "    ";
  left += "--";
  left += spec.name;
  if (spec.value_name != nullptr) left += std::string(" ") + spec.value_name;
  // The help column starts at 26; a longer option name gets its help on the next line, and help is
  // wrapped at 100 columns so the table stays readable in a terminal.
  *text += left;
  size_t column = left.size();
  if (column >= 26) {
    *text += "\n";
    column = 0;
  }
  for (std::string_view rest = spec.help; !rest.empty();) {
    text->append(26 - column, ' ');
    size_t cut = rest.size();
    if (cut > 74) {
      cut = rest.rfind(' ', 74);
      if (cut == std::string_view::npos || cut == 0) cut = 74;
    }
    text->append(rest.substr(0, cut)).append("\n");
    rest.remove_prefix(cut);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    column = 0;
  }
}

std::string CommandListText() {
  std::string text = "Commands:\n";
  for (const CommandSpec& command : Commands()) {
    std::string line = std::string("  ") + command.name;
    line.append(line.size() < 16 ? 16 - line.size() : 1, ' ');
    text += line + command.summary + "\n";
  }
  text += "Run 'mailverify help COMMAND' or 'mailverify COMMAND --help' for a command's options.\n";
  return text;
}

std::string CommandHelpText(const CommandSpec& command) {
  std::string text;
  std::string_view usage = command.usage;
  for (bool first = true; !usage.empty(); first = false) {
    const size_t end = usage.find('\n');
    text += first ? "Usage: " : "       ";
    text += "mailverify ";
    text += usage.substr(0, end);
    text += "\n";
    usage.remove_prefix(end == std::string_view::npos ? usage.size() : end + 1);
  }
  // The summary is a lower-case fragment in the command list; here it is a sentence.
  const std::string_view summary = command.summary;
  text += "\n";
  text += static_cast<char>(std::toupper(static_cast<unsigned char>(summary.front())));
  text += summary.substr(1);
  text += ".\n\nOptions:\n";
  // Table order, not the command's list order, so every command's help reads the same way.
  ForEachOptionSpec([&](const OptionSpec& spec) {
    for (const char* name : command.options) {
      if (std::string_view(name) == spec.name) AppendOptionHelp(spec, &text);
    }
  });
  for (const char* name : GlobalOptionNames()) {
    if (const OptionSpec* spec = FindOptionSpec(name)) AppendOptionHelp(*spec, &text);
  }
  return text;
}

int RunHelp(const Options& options) {
  std::string_view topic = options.command_word;
  if (topic == "help") topic = options.inputs.empty() ? "" : std::string_view(options.inputs[0]);
  if (topic.empty()) {
    std::fputs(HelpText().c_str(), stdout);
    return 0;
  }
  const CommandSpec* command = FindCommand(topic);
  if (command == nullptr) {
    std::fprintf(stderr, "mailverify: no command '%.*s'\nTry 'mailverify --help'.\n",
                 static_cast<int>(topic.size()), topic.data());
    return 2;
  }
  std::fputs(CommandHelpText(*command).c_str(), stdout);
  return 0;
}

}  // namespace mv
