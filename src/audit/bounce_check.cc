#include "audit/bounce_check.h"

#include <algorithm>
#include <cctype>

#include "report/display.h"
#include "util/json_writer.h"

namespace mv {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The value of parameter `name` in a Content-Type value (quoted or not), or "".
std::string Parameter(std::string_view value, std::string_view name) {
  const std::string text = UnfoldAndTrim(value);
  const std::string lower = Lower(text);
  size_t pos = 0;
  while ((pos = lower.find(';', pos)) != std::string::npos) {
    ++pos;
    size_t start = lower.find_first_not_of(" \t", pos);
    if (start == std::string::npos) break;
    if (lower.compare(start, name.size(), name) != 0) continue;
    size_t eq = lower.find_first_not_of(" \t", start + name.size());
    if (eq == std::string::npos || lower[eq] != '=') continue;
    size_t v = lower.find_first_not_of(" \t", eq + 1);
    if (v == std::string::npos) return std::string();
    if (text[v] == '"') {
      const size_t end = text.find('"', v + 1);
      return text.substr(v + 1, end == std::string::npos ? std::string::npos : end - v - 1);
    }
    const size_t end = text.find_first_of("; \t", v);
    return text.substr(v, end == std::string::npos ? std::string::npos : end - v);
  }
  return std::string();
}

// The media type ("multipart/report"), lower-cased, without parameters.
std::string MediaType(std::string_view value) {
  std::string text = Lower(UnfoldAndTrim(value));
  return text.substr(0, std::min(text.find(';'), text.find_first_of(" \t")));
}

// "rfc822; user@example.com" -> "user@example.com".
std::string WithoutTypePrefix(std::string_view value) {
  std::string text = UnfoldAndTrim(value);
  if (const size_t semi = text.find(';'); semi != std::string::npos) {
    text = UnfoldAndTrim(std::string_view(text).substr(semi + 1));
  }
  return text;
}

// The field's value for display: unfolded, the type prefix removed, blank runs made one space
// (a folded Diagnostic-Code keeps the continuation line's indentation otherwise).
std::string FieldValue(const HeaderIndex& group, std::string_view name, bool typed) {
  const HeaderField* f = group.First(name);
  if (f == nullptr) return std::string();
  const std::string text = typed ? WithoutTypePrefix(f->value) : UnfoldAndTrim(f->value);
  std::string out;
  for (char c : text) {
    const bool blank = c == ' ' || c == '\t';
    if (blank && !out.empty() && out.back() == ' ') continue;
    out.push_back(blank ? ' ' : c);
  }
  return out;
}

// The part of a multipart body whose Content-Type is a delivery-status type, or nothing.
std::optional<std::string_view> DeliveryStatusPart(std::string_view body,
                                                   const std::string& boundary) {
  const std::string delimiter = "--" + boundary;
  size_t pos = 0;
  while ((pos = body.find(delimiter, pos)) != std::string_view::npos) {
    // A delimiter starts a line.
    if (pos != 0 && body[pos - 1] != '\n') {
      pos += delimiter.size();
      continue;
    }
    size_t line_end = body.find('\n', pos);
    if (line_end == std::string_view::npos) return std::nullopt;
    if (body.compare(pos + delimiter.size(), 2, "--") == 0) return std::nullopt;  // close
    const size_t part_start = line_end + 1;
    size_t next = part_start;
    while ((next = body.find(delimiter, next)) != std::string_view::npos && next != 0 &&
           body[next - 1] != '\n') {
      next += delimiter.size();
    }
    const std::string_view part =
        body.substr(part_start, (next == std::string_view::npos ? body.size() : next) - part_start);
    const HeaderIndex part_headers = HeaderIndex::Build(part);
    if (const HeaderField* ct = part_headers.First("Content-Type")) {
      const std::string type = MediaType(ct->value);
      if (type == "message/delivery-status" || type == "message/global-delivery-status") {
        return part_headers.body();
      }
    }
    if (next == std::string_view::npos) return std::nullopt;
    pos = next;
  }
  return std::nullopt;
}

// Skips the blank lines that separate DSN field groups.
std::string_view SkipBlankLines(std::string_view text) {
  while (!text.empty() && (text.front() == '\n' || text.front() == '\r')) text.remove_prefix(1);
  return text;
}

}  // namespace

std::optional<DeliveryStatus> ParseDeliveryStatus(const HeaderIndex& headers) {
  const HeaderField* ct = headers.First("Content-Type");
  if (ct == nullptr || MediaType(ct->value) != "multipart/report") return std::nullopt;
  if (Lower(Parameter(ct->value, "report-type")) != "delivery-status") return std::nullopt;
  DeliveryStatus dsn;
  if (const HeaderField* rp = headers.First("Return-Path")) {
    std::string path = UnfoldAndTrim(rp->value);
    path.erase(
        std::remove_if(path.begin(), path.end(), [](char c) { return c == ' ' || c == '\t'; }),
        path.end());
    dsn.null_sender = path == "<>";
  }
  const std::string boundary = Parameter(ct->value, "boundary");
  if (boundary.empty()) return dsn;
  std::optional<std::string_view> part = DeliveryStatusPart(headers.body(), boundary);
  if (!part) return dsn;
  // RFC 3464 2.1: the per-message fields, then one group of per-recipient fields per recipient,
  // groups separated by blank lines. Each group has header syntax.
  std::string_view rest = SkipBlankLines(*part);
  const HeaderIndex per_message = HeaderIndex::Build(rest);
  dsn.reporting_mta = FieldValue(per_message, "Reporting-MTA", true);
  rest = per_message.has_body_separator() ? SkipBlankLines(per_message.body()) : std::string_view();
  while (!rest.empty()) {
    const HeaderIndex group = HeaderIndex::Build(rest);
    if (group.fields().empty()) break;
    if (group.First("Final-Recipient") != nullptr || group.First("Action") != nullptr) {
      if (++dsn.recipients == 1) {
        dsn.final_recipient = FieldValue(group, "Final-Recipient", true);
        dsn.original_recipient = FieldValue(group, "Original-Recipient", true);
        dsn.action = Lower(FieldValue(group, "Action", false));
        dsn.status = FieldValue(group, "Status", false);
        dsn.diagnostic_code = FieldValue(group, "Diagnostic-Code", true);
      }
    }
    rest = group.has_body_separator() ? SkipBlankLines(group.body()) : std::string_view();
  }
  return dsn;
}

void BounceCheck::Run(const ParsedMessage& msg, MessageRecord* record) const {
  std::optional<DeliveryStatus> dsn = ParseDeliveryStatus(msg.headers);
  if (!dsn) return;
  record->AddMember("bounce", "true");
  std::string json;
  JsonWriter w(&json);
  w.BeginObject();
  w.Field("final_recipient", dsn->final_recipient);
  w.Field("action", dsn->action);
  w.Field("status", dsn->status);
  if (!dsn->original_recipient.empty()) w.Field("original_recipient", dsn->original_recipient);
  if (!dsn->diagnostic_code.empty()) w.Field("diagnostic_code", dsn->diagnostic_code);
  w.Field("reporting_mta", dsn->reporting_mta);
  w.Field("recipients", static_cast<uint64_t>(dsn->recipients));
  w.Field("null_sender", dsn->null_sender);
  w.EndObject();
  record->AddMember("dsn", std::move(json));
  record->Count("bounce");
  if (!dsn->action.empty()) record->Count("bounce." + dsn->action);
}

}  // namespace mv
