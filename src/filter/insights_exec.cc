// Logs Insights execution (placeholder until the evaluator lands).
#include "filter/insights_ast.h"

namespace orgtrail::filter::insights {

struct Execution::State {
  size_t limit = kDefaultResultLimit;
  Stats stats;
};

Result<Query> Query::Parse(std::string_view text) {
  auto p = std::make_shared<Program>();
  p->text = std::string(text);
  return Query(std::move(p));
}
bool Query::Aggregates() const { return program_->aggregates; }
size_t Query::Limit() const { return program_->limit; }

Execution::Execution(const Query&, size_t limit) : state_(std::make_unique<State>()) {
  state_->limit = limit;
}
Execution::~Execution() = default;
Execution::Execution(Execution&&) noexcept = default;
Execution& Execution::operator=(Execution&&) noexcept = default;

void Execution::Add(const Record& record) {
  state_->stats.records_scanned += 1;
  state_->stats.bytes_scanned += static_cast<double>(record.message.size());
}
bool Execution::Done() const { return false; }
std::vector<ResultRow> Execution::Results() const { return {}; }
Execution::Stats Execution::GetStats() const { return state_->stats; }

std::string FormatTimestamp(int64_t) { return {}; }

}  // namespace orgtrail::filter::insights
