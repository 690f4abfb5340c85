// Logs Insights execution: the per-event part of the pipeline streams (fields, parse, filter),
// stats aggregates as events arrive, and the rest runs over the rows kept (spec/logs.md §6.2).
#include <algorithm>
#include <map>
#include <set>

#include "core/encoding.h"
#include "core/json.h"
#include "core/time_format.h"
#include "core/value.h"
#include "filter/insights_ast.h"

namespace orgtrail::filter::insights {
namespace {

// JSON messages: nested keys flattened with ".", array elements as ".0", ".1", ...
void Flatten(const Value& v, const std::string& prefix, Row& row, int depth) {
  if (depth > 32) return;
  switch (v.kind()) {
    case Value::Kind::kMap:
      for (const auto& [k, child] : v.AsMap())
        Flatten(child, prefix.empty() ? k : prefix + "." + k, row, depth + 1);
      break;
    case Value::Kind::kList: {
      size_t i = 0;
      for (const Value& child : v.AsList())
        Flatten(child, prefix + "." + std::to_string(i++), row, depth + 1);
      break;
    }
    case Value::Kind::kString:
      if (!prefix.empty()) row.Set(prefix, Val::Str(v.AsString()));
      break;
    case Value::Kind::kBool:
      if (!prefix.empty()) row.Set(prefix, Val::Str(v.AsBool() ? "true" : "false"));
      break;
    case Value::Kind::kInt:
    case Value::Kind::kDouble:
      if (!prefix.empty()) row.Set(prefix, Val::Str(v.ToJson()));
      break;
    case Value::Kind::kNull:
      break;
  }
}

// One aggregate's running state.
struct AggState {
  double count = 0;
  double sum = 0;
  std::optional<double> min;
  std::optional<double> max;
  std::set<std::string> distinct;
};

struct Group {
  Row keys;
  std::vector<AggState> aggs;
};

class Aggregator {
 public:
  explicit Aggregator(const Command& c) : c_(c) {}

  void Add(const Row& row) {
    std::string key;
    Row keys;
    for (const Projection& p : c_.projections) {
      Val v = Eval(*p.expr, row);
      key += std::to_string(v.kind) + ":" + v.Render() + '\x1f';
      if (v.present()) keys.Set(p.name, std::move(v));
    }
    auto [it, inserted] = groups_.try_emplace(key);
    if (inserted) {
      it->second.keys = std::move(keys);
      it->second.aggs.resize(c_.aggregates.size());
      order_.push_back(key);
    }
    for (size_t i = 0; i < c_.aggregates.size(); ++i) {
      const Aggregate& a = c_.aggregates[i];
      AggState& s = it->second.aggs[i];
      if (!a.arg) {
        s.count += 1;
        continue;
      }
      Val v = Eval(*a.arg, row);
      if (!v.present()) continue;
      s.count += 1;
      if (a.func == "count_distinct") {
        if (s.distinct.size() < 100000) s.distinct.insert(v.Render());
        continue;
      }
      if (auto n = v.Number()) {
        s.sum += *n;
        s.min = s.min ? std::min(*s.min, *n) : *n;
        s.max = s.max ? std::max(*s.max, *n) : *n;
      }
    }
  }

  std::vector<Row> Rows() const {
    std::vector<Row> out;
    for (const std::string& key : order_) {
      const Group& g = groups_.at(key);
      Row r = g.keys;
      for (size_t i = 0; i < c_.aggregates.size(); ++i) {
        const Aggregate& a = c_.aggregates[i];
        const AggState& s = g.aggs[i];
        Val v;
        if (a.func == "count")
          v = Val::Num(s.count);
        else if (a.func == "count_distinct")
          v = Val::Num(static_cast<double>(s.distinct.size()));
        else if (a.func == "sum" && s.min)
          v = Val::Num(s.sum);
        else if (a.func == "avg" && s.min)
          v = Val::Num(s.sum / s.count);
        else if (a.func == "min" && s.min)
          v = Val::Num(*s.min);
        else if (a.func == "max" && s.max)
          v = Val::Num(*s.max);
        if (v.present()) r.Set(a.name, std::move(v));
      }
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  const Command& c_;
  std::map<std::string, Group> groups_;
  std::vector<std::string> order_;
};

// parse: a glob or a regex with named groups; fields are set only when the pattern matches.
void ApplyParse(const Command& c, Row& row) {
  Val src = Eval(*c.expr, row);
  if (!src.present()) return;
  std::string s = src.kind == Val::kStr ? src.s : src.Render();
  if (c.re) {
    const int n = c.re->NumberOfCapturingGroups();
    std::vector<re2::StringPiece> groups(static_cast<size_t>(n) + 1);
    if (!c.re->Match(s, 0, s.size(), RE2::UNANCHORED, groups.data(), n + 1)) return;
    for (const auto& [name, index] : c.re->NamedCapturingGroups())
      if (groups[static_cast<size_t>(index)].data() != nullptr)
        row.Set(name, Val::Str(std::string(groups[static_cast<size_t>(index)])));
    return;
  }
  // Glob: literal pieces in order; each "*" captures the shortest text before the next piece
  // (the last one captures up to the end unless a trailing literal follows).
  size_t pos = s.find(c.glob[0]);
  if (pos == std::string::npos) return;
  pos += c.glob[0].size();
  std::vector<std::string> caps;
  for (size_t i = 1; i < c.glob.size(); ++i) {
    const std::string& lit = c.glob[i];
    size_t end = (i + 1 == c.glob.size() && lit.empty()) ? s.size() : s.find(lit, pos);
    if (end == std::string::npos) return;
    caps.push_back(s.substr(pos, end - pos));
    pos = end + lit.size();
  }
  for (size_t i = 0; i < caps.size() && i < c.names.size(); ++i)
    row.Set(c.names[i], Val::Str(caps[i]));
}

bool Streamable(Command::Kind k) {
  return k == Command::kFields || k == Command::kParse || k == Command::kFilter ||
         k == Command::kDisplay;
}

}  // namespace

std::string FormatTimestamp(int64_t ms) {
  std::string iso = FormatIso8601Millis(ms);  // 2026-01-01T00:00:00.000Z
  if (iso.size() >= 24) {
    iso[10] = ' ';
    iso.pop_back();
  }
  return iso;
}

struct Execution::State {
  explicit State(const Query& q) : query(q), program(&query.program()) {}
  Query query;  // keeps the program alive
  const Program* program;
  size_t limit = kDefaultResultLimit;
  size_t stream_end = 0;                   // commands [0, stream_end) run per event
  std::unique_ptr<Aggregator> aggregator;  // when command stream_end is stats
  std::vector<Row> rows;                   // kept rows otherwise
  bool prunable = false;                   // rows may be cut to the best `limit` as they come
  Stats stats;
  uint64_t seq = 0;

  // Runs commands [from, to) over rows in batch.
  std::vector<Row> Batch(std::vector<Row> in, size_t from) const {
    const auto& cmds = program->commands;
    for (size_t i = from; i < cmds.size(); ++i) {
      const Command& c = cmds[i];
      switch (c.kind) {
        case Command::kFields:
          for (Row& r : in) Project(c, r);
          break;
        case Command::kParse:
          for (Row& r : in) ApplyParse(c, r);
          break;
        case Command::kFilter:
          std::erase_if(in, [&c](const Row& r) { return !Truthy(Eval(*c.expr, r)); });
          break;
        case Command::kDisplay:
          break;
        case Command::kStats: {
          Aggregator a(c);
          for (const Row& r : in) a.Add(r);
          in = a.Rows();
          break;
        }
        case Command::kSort:
          SortRows(c.keys, in);
          break;
        case Command::kLimit:
          if (in.size() > c.limit) in.resize(c.limit);
          break;
      }
    }
    return in;
  }

  static void Project(const Command& c, Row& r) {
    for (const Projection& p : c.projections) {
      if (p.expr->kind == Expr::kField && p.expr->name == p.name) continue;
      Val v = Eval(*p.expr, r);
      if (v.present()) r.Set(p.name, std::move(v));
    }
  }

  static void SortRows(const std::vector<SortKey>& keys, std::vector<Row>& rows) {
    std::stable_sort(rows.begin(), rows.end(), [&keys](const Row& a, const Row& b) {
      for (const SortKey& k : keys) {
        int c = CompareForSort(Eval(*k.expr, a), Eval(*k.expr, b));
        // Absent values go last in either direction.
        bool a_absent = !Eval(*k.expr, a).present();
        bool b_absent = !Eval(*k.expr, b).present();
        if (a_absent != b_absent) return b_absent;
        if (c != 0) return k.desc ? c > 0 : c < 0;
      }
      return false;
    });
  }

  size_t EffectiveLimit() const {
    size_t l = program->limit != 0 ? program->limit : limit;
    return std::min<size_t>(std::max<size_t>(l, 1), 10000);
  }

  // The default and explicit sort keys used to prune kept rows.
  std::vector<SortKey> PruneKeys() const {
    std::vector<SortKey> keys;
    for (size_t i = stream_end; i < program->commands.size(); ++i)
      if (program->commands[i].kind == Command::kSort) {
        for (const SortKey& k : program->commands[i].keys) {
          SortKey copy;
          copy.expr = CloneField(*k.expr);
          if (!copy.expr) return {};
          copy.desc = k.desc;
          keys.push_back(std::move(copy));
        }
        return keys;
      }
    SortKey ts;
    ts.expr = std::make_unique<Expr>();
    ts.expr->kind = Expr::kField;
    ts.expr->name = "@timestamp";
    keys.push_back(std::move(ts));
    return keys;
  }
  static std::unique_ptr<Expr> CloneField(const Expr& e) {
    if (e.kind != Expr::kField) return nullptr;
    auto c = std::make_unique<Expr>();
    c->kind = Expr::kField;
    c->name = e.name;
    return c;
  }
};

Execution::Execution(const Query& query, size_t limit) : state_(std::make_unique<State>(query)) {
  State& s = *state_;
  s.limit = limit;
  const auto& cmds = s.program->commands;
  while (s.stream_end < cmds.size() && Streamable(cmds[s.stream_end].kind)) ++s.stream_end;
  if (s.stream_end < cmds.size() && cmds[s.stream_end].kind == Command::kStats)
    s.aggregator = std::make_unique<Aggregator>(cmds[s.stream_end]);
  // Without stats, when only sort (by fields), limit and display follow, keeping the best
  // `limit` rows is enough: memory stays bounded however many events match.
  s.prunable = !s.program->aggregates;
  for (size_t i = s.stream_end; i < cmds.size(); ++i) {
    const Command& c = cmds[i];
    if (c.kind != Command::kSort && c.kind != Command::kLimit && c.kind != Command::kDisplay)
      s.prunable = false;
    if (c.kind == Command::kSort)
      for (const SortKey& k : c.keys)
        if (k.expr->kind != Expr::kField) s.prunable = false;
  }
}

Execution::~Execution() = default;
Execution::Execution(Execution&&) noexcept = default;
Execution& Execution::operator=(Execution&&) noexcept = default;

void Execution::Add(const Record& record) {
  State& s = *state_;
  s.stats.records_scanned += 1;
  s.stats.bytes_scanned += static_cast<double>(record.message.size());
  const uint64_t seq = s.seq++;
  Row row;
  row.fields.reserve(8);
  row.Set("@timestamp", Val::Time(static_cast<double>(record.timestamp_ms)));
  row.Set("@message", Val::Str(std::string(record.message)));
  row.Set("@logStream", Val::Str(std::string(record.log_stream)));
  row.Set("@log", Val::Str(std::string(record.log_group)));
  row.Set("@ingestionTime", Val::Time(static_cast<double>(record.ingestion_time_ms)));
  row.Set("@ptr",
          Val::Str(!record.ptr.empty() ? std::string(record.ptr)
                                       : Base64Encode(std::string(record.log_group) + "\n" +
                                                      std::string(record.log_stream) + "\n" +
                                                      std::to_string(record.timestamp_ms) + "\n" +
                                                      std::to_string(seq))));
  std::string_view msg = record.message;
  while (!msg.empty() && (msg.front() == ' ' || msg.front() == '\t')) msg.remove_prefix(1);
  if (!msg.empty() && msg.front() == '{')
    if (Result<Value> json = ParseJson(msg); json.ok()) Flatten(*json, "", row, 0);
  const auto& cmds = s.program->commands;
  for (size_t i = 0; i < s.stream_end; ++i) {
    const Command& c = cmds[i];
    if (c.kind == Command::kFilter) {
      if (!Truthy(Eval(*c.expr, row))) return;
    } else if (c.kind == Command::kFields) {
      State::Project(c, row);
    } else if (c.kind == Command::kParse) {
      ApplyParse(c, row);
    }
  }
  s.stats.records_matched += 1;
  if (s.aggregator) {
    s.aggregator->Add(row);
    return;
  }
  s.rows.push_back(std::move(row));
  const size_t keep = s.EffectiveLimit();
  if (s.prunable && s.rows.size() >= 2 * keep + 64) {
    std::vector<SortKey> keys = s.PruneKeys();
    State::SortRows(keys, s.rows);
    s.rows.resize(keep);
  }
}

bool Execution::Done() const {
  const State& s = *state_;
  return s.prunable && !s.program->sorts && s.rows.size() >= s.EffectiveLimit();
}

std::vector<ResultRow> Execution::Results() const {
  const State& s = *state_;
  const auto& cmds = s.program->commands;
  std::vector<Row> rows;
  size_t next = s.stream_end;
  if (s.aggregator) {
    rows = s.aggregator->Rows();
    ++next;
  } else {
    rows = s.rows;
    if (!s.program->sorts && !s.program->aggregates) {
      // Default order: newest first.
      std::vector<SortKey> keys = s.PruneKeys();
      State::SortRows(keys, rows);
    }
  }
  rows = s.Batch(std::move(rows), next);
  if (rows.size() > s.EffectiveLimit()) rows.resize(s.EffectiveLimit());

  // Columns: the last display, else the fields commands' names, else (events) @timestamp and
  // @message, else (stats) the groups then the aggregates of the last stats.
  std::vector<std::string> columns;
  const Command* display = nullptr;
  const Command* last_stats = nullptr;
  for (const Command& c : cmds) {
    if (c.kind == Command::kDisplay) display = &c;
    if (c.kind == Command::kStats) last_stats = &c;
  }
  auto add = [&columns](const std::string& n) {
    if (std::find(columns.begin(), columns.end(), n) == columns.end()) columns.push_back(n);
  };
  if (display) {
    for (const Projection& p : display->projections) add(p.name);
  } else {
    bool after_stats = last_stats == nullptr;
    for (const Command& c : cmds) {
      if (&c == last_stats) {
        after_stats = true;
        for (const Projection& p : c.projections) add(p.name);
        for (const Aggregate& a : c.aggregates) add(a.name);
        continue;
      }
      if (after_stats && c.kind == Command::kFields)
        for (const Projection& p : c.projections) add(p.name);
    }
    if (columns.empty()) {
      add("@timestamp");
      add("@message");
    }
  }
  const bool events = !s.program->aggregates;
  std::vector<ResultRow> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    ResultRow rr;
    for (const std::string& col : columns) {
      if (events && col == "@ptr") continue;
      const Val* v = r.Find(col);
      if (v && v->present()) rr.emplace_back(col, v->Render());
    }
    if (events)
      if (const Val* ptr = r.Find("@ptr")) rr.emplace_back("@ptr", ptr->Render());
    out.push_back(std::move(rr));
  }
  return out;
}

Execution::Stats Execution::GetStats() const { return state_->stats; }

}  // namespace orgtrail::filter::insights
