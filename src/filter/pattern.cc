// Dispatch of a filter pattern to its kind, limits, and the public face of the matcher.
#include "filter/pattern.h"

#include "filter/compiled.h"

namespace orgtrail::filter {

Result<Pattern> Pattern::Compile(std::string_view text) {
  if (text.size() > 1024) {
    return AwsError("InvalidParameterException",
                    "1 validation error detected: Value '" + std::string(text) +
                        "' at 'filterPattern' failed to satisfy constraint: Member must have "
                        "length less than or equal to 1024",
                    400);
  }
  size_t b = text.find_first_not_of(" \t");
  std::string_view trimmed = b == std::string_view::npos ? std::string_view() : text.substr(b);
  trimmed = trimmed.substr(0, trimmed.find_last_not_of(" \t") + 1);
  if (!trimmed.empty() && trimmed != "\" \"") {
    return AwsError("InvalidParameterException", "Invalid filter pattern", 400);
  }
  Pattern p;
  p.text_ = std::string(text);
  p.compiled_ = std::make_shared<Compiled>();
  return p;
}

bool Pattern::Matches(std::string_view /*message*/) const { return true; }

std::optional<std::string> Pattern::Extract(std::string_view /*message*/,
                                            std::string_view /*selector*/) const {
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> Pattern::ExtractedValues(
    std::string_view /*message*/) const {
  return {};
}

const std::vector<std::string>& Pattern::RequiredLiterals() const { return compiled_->required; }
bool Pattern::MatchesAll() const { return compiled_->kind == PatternKind::kAll; }
PatternKind Pattern::kind() const { return compiled_->kind; }
int Pattern::regex_count() const { return compiled_->regex_count; }

}  // namespace orgtrail::filter
