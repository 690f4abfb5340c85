// startup_probe: how fast `orgtrail serve` answers its first signed request, and how much memory
// it holds then and after a second of idling (figures in docs/performance.md; run by
// bench/load.sh).
//
//   startup_probe <orgtrail binary> [runs]
//       Per run: pick a free loopback port, start the clock, fork+exec
//       `<binary> serve --in-memory --port P --log-level warn`, then connect in a tight loop and
//       send a SigV4-signed STS GetCallerIdentity until a "HTTP/1.1 200" status line comes back.
//       Then read VmRSS (right after that first answer and again after 1 s idle), SIGTERM the
//       server and require exit status 0. Prints each run and the medians.
//   startup_probe --command <runs> -- <program> <args...>
//       The same measurement for any other server (a baseline); every "{port}" argument is
//       replaced by the chosen port. Its exit status is reported, not required.
//   startup_probe --print-request <port>
//       Prints a wrk Lua script that sends one signed GetCallerIdentity to 127.0.0.1:<port>.
//       The signature stays valid for the Query clock-skew window (300 s).
//   startup_probe --send <port>
//       Sends one signed GetCallerIdentity and prints the status line; exit 0 iff 200.
//   startup_probe --free-port
//       Prints a free loopback TCP port.
//
// The answer is never parsed: only the status line is compared with "HTTP/1.1 200".
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "auth/verify.h"
#include "http/message.h"

namespace {

using orgtrail::http::Request;

constexpr double kStartTimeoutSeconds = 60;  // give up on a server that never answers
constexpr long kRetryNanos = 20'000;         // pause between refused connects (20 µs)

double MonotonicSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void PauseBriefly() {
  timespec ts{0, kRetryNanos};
  nanosleep(&ts, nullptr);
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

// One signed STS GetCallerIdentity as the AWS CLI sends it (Query protocol, form body).
Request SignedGetCallerIdentity(int port) {
  Request req;
  req.method = "POST";
  req.SetTarget("/");
  req.body = "Action=GetCallerIdentity&Version=2011-06-15";
  req.headers = {{"Host", "127.0.0.1:" + std::to_string(port)},
                 {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                 {"Content-Length", std::to_string(req.body.size())}};
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  orgtrail::auth::SignRequest(req, "test", "test", "us-east-1", "sts", now_ms);
  return req;
}

std::string Serialize(const Request& req) {
  std::string out = req.method + " " + req.target + " HTTP/1.1\r\n";
  for (const auto& h : req.headers) out += h.name + ": " + h.value + "\r\n";
  out += "\r\n";
  out += req.body;
  return out;
}

std::string LuaQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

enum class Attempt { kRefused, kAnswered, kBroken };

// Connects to 127.0.0.1:port, writes `bytes`, reads up to the end of the status line.
// `connected_at` (optional) receives the monotonic time the connection was accepted.
Attempt TryOnce(int port, const std::string& bytes, std::string* status_line,
                double* connected_at = nullptr) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Attempt::kBroken;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    close(fd);
    return err == ECONNREFUSED ? Attempt::kRefused : Attempt::kBroken;
  }
  if (connected_at) *connected_at = MonotonicSeconds();
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      close(fd);
      return Attempt::kBroken;
    }
    sent += static_cast<size_t>(n);
  }
  std::string got;
  char buf[4096];
  while (got.find("\r\n") == std::string::npos) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  const size_t eol = got.find("\r\n");
  if (eol == std::string::npos) return Attempt::kBroken;
  *status_line = got.substr(0, eol);
  return Attempt::kAnswered;
}

bool Is200(std::string_view status_line) { return status_line.starts_with("HTTP/1.1 200"); }

struct Rss {
  long rss_kib = 0;
  long anon_kib = 0;
  long file_kib = 0;
  int processes = 0;
};

std::map<std::string, long> StatusFields(pid_t pid) {
  std::map<std::string, long> out;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon);
    if (key == "VmRSS" || key == "RssAnon" || key == "RssFile" || key == "RssShmem" ||
        key == "PPid")
      out[key] = std::strtol(line.c_str() + colon + 1, nullptr, 10);
  }
  return out;
}

// Resident memory of `root` and every process below it (a wrapper that forks still counts).
Rss TreeRss(pid_t root) {
  std::map<pid_t, pid_t> parent;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      const pid_t p = static_cast<pid_t>(std::atoi(e->d_name));
      if (p <= 0) continue;
      auto f = StatusFields(p);
      if (f.count("PPid")) parent[p] = static_cast<pid_t>(f["PPid"]);
    }
    closedir(d);
  }
  Rss total;
  for (const auto& [p, pp] : parent) {
    bool below = p == root;
    for (pid_t up = pp; !below && up > 1;) {
      if (up == root) below = true;
      auto it = parent.find(up);
      up = it == parent.end() ? 0 : it->second;
    }
    if (!below) continue;
    auto f = StatusFields(p);
    total.rss_kib += f["VmRSS"];
    total.anon_kib += f["RssAnon"];
    total.file_kib += f["RssFile"] + f["RssShmem"];
    ++total.processes;
  }
  return total;
}

struct RunResult {
  bool ok = false;
  double listen_ms = 0;        // first accepted connection
  double first_answer_ms = 0;  // first 200 status line
  int attempts = 0;            // connects tried, refused ones included
  Rss first;
  Rss idle;
  std::string exit_text;
};

std::vector<std::string> Substitute(const std::vector<std::string>& argv, int port) {
  std::vector<std::string> out;
  for (std::string a : argv) {
    for (size_t at; (at = a.find("{port}")) != std::string::npos;)
      a.replace(at, 6, std::to_string(port));
    out.push_back(std::move(a));
  }
  return out;
}

// Waits for `pid` up to `seconds`; returns the wait status or nullopt on timeout.
std::optional<int> WaitFor(pid_t pid, double seconds) {
  const double until = MonotonicSeconds() + seconds;
  while (MonotonicSeconds() < until) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) return std::nullopt;
    timespec ts{0, 1'000'000};
    nanosleep(&ts, nullptr);
  }
  return std::nullopt;
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

RunResult RunOnce(const std::vector<std::string>& argv_template, bool quiet_child,
                  bool require_clean_exit) {
  RunResult r;
  const int port = FreePort();
  if (port <= 0) {
    r.exit_text = "no free port";
    return r;
  }
  const std::vector<std::string> args = Substitute(argv_template, port);
  std::vector<char*> cargv;
  for (const std::string& a : args) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  const std::string request = Serialize(SignedGetCallerIdentity(port));

  const double t0 = MonotonicSeconds();
  const pid_t pid = fork();
  if (pid < 0) {
    r.exit_text = std::string("fork: ") + std::strerror(errno);
    return r;
  }
  if (pid == 0) {
    const int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      dup2(devnull, STDOUT_FILENO);
      if (quiet_child) dup2(devnull, STDERR_FILENO);
    }
    execvp(cargv[0], cargv.data());
    std::fprintf(stderr, "startup_probe: cannot run %s: %s\n", cargv[0], std::strerror(errno));
    _exit(127);
  }

  std::string last_status;
  bool answered = false;
  while (MonotonicSeconds() - t0 < kStartTimeoutSeconds) {
    std::string status_line;
    double connected_at = 0;
    const Attempt a = TryOnce(port, request, &status_line, &connected_at);
    ++r.attempts;
    if (a != Attempt::kRefused && r.listen_ms == 0) r.listen_ms = (connected_at - t0) * 1e3;
    if (a == Attempt::kAnswered && Is200(status_line)) {
      r.first_answer_ms = (MonotonicSeconds() - t0) * 1e3;
      answered = true;
      break;
    }
    if (a == Attempt::kAnswered) last_status = status_line;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      r.exit_text = "server ended before answering: " + DescribeStatus(status);
      return r;
    }
    PauseBriefly();
  }
  if (!answered) {
    r.exit_text = "no 200 answer within the time limit" +
                  (last_status.empty() ? std::string() : " (last: " + last_status + ")");
  } else {
    r.first = TreeRss(pid);
    sleep(1);
    r.idle = TreeRss(pid);
  }

  kill(pid, SIGTERM);
  std::optional<int> status = WaitFor(pid, 10);
  if (!status) {
    kill(pid, SIGKILL);
    status = WaitFor(pid, 5);
    r.exit_text = "did not stop within 10 s of SIGTERM (killed)";
    return r;
  }
  if (!answered) return r;
  r.exit_text = DescribeStatus(*status);
  r.ok = !require_clean_exit || (WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  return r;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int Measure(const std::vector<std::string>& argv_template, int runs, bool quiet_child,
            bool require_clean_exit) {
  // Without this, each 20 µs pause would take the default 50 µs timer slack on top.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  std::printf("command:");
  for (const std::string& a : argv_template) std::printf(" %s", a.c_str());
  std::printf("\n");
  std::vector<double> listen, first, rss_first, rss_idle;
  bool all_ok = true;
  for (int i = 1; i <= runs; ++i) {
    RunResult r = RunOnce(argv_template, quiet_child, require_clean_exit);
    if (r.first_answer_ms == 0) {
      std::printf("run %d: FAILED: %s\n", i, r.exit_text.c_str());
      all_ok = false;
      continue;
    }
    std::printf(
        "run %d: first_answer_ms=%.2f listen_ms=%.2f attempts=%d rss_first_kib=%ld "
        "(anon %ld, file %ld) rss_idle_1s_kib=%ld (anon %ld, file %ld) processes=%d %s%s\n",
        i, r.first_answer_ms, r.listen_ms, r.attempts, r.first.rss_kib, r.first.anon_kib,
        r.first.file_kib, r.idle.rss_kib, r.idle.anon_kib, r.idle.file_kib, r.idle.processes,
        r.exit_text.c_str(), r.ok ? "" : " (FAILED: exit status must be 0)");
    std::fflush(stdout);
    all_ok = all_ok && r.ok;
    listen.push_back(r.listen_ms);
    first.push_back(r.first_answer_ms);
    rss_first.push_back(static_cast<double>(r.first.rss_kib));
    rss_idle.push_back(static_cast<double>(r.idle.rss_kib));
  }
  std::printf(
      "median of %zu: first_answer_ms=%.2f listen_ms=%.2f rss_first_kib=%.0f "
      "rss_idle_1s_kib=%.0f\n",
      first.size(), Median(first), Median(listen), Median(rss_first), Median(rss_idle));
  return all_ok ? 0 : 1;
}

int PrintRequest(int port) {
  const Request req = SignedGetCallerIdentity(port);
  std::printf(
      "-- One SigV4-signed STS GetCallerIdentity for 127.0.0.1:%d, valid for the Query\n"
      "-- clock-skew window (300 s) from its X-Amz-Date. Generated by startup_probe.\n",
      port);
  std::printf("wrk.method = %s\n", LuaQuote(req.method).c_str());
  std::printf("wrk.path = %s\n", LuaQuote(req.target).c_str());
  std::printf("wrk.body = %s\n", LuaQuote(req.body).c_str());
  for (const auto& h : req.headers)
    std::printf("wrk.headers[%s] = %s\n", LuaQuote(h.name).c_str(), LuaQuote(h.value).c_str());
  return 0;
}

int SendOne(int port) {
  std::string status_line;
  const Attempt a = TryOnce(port, Serialize(SignedGetCallerIdentity(port)), &status_line);
  if (a != Attempt::kAnswered) {
    std::printf("no answer from 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("%s\n", status_line.c_str());
  return Is200(status_line) ? 0 : 1;
}

int Usage() {
  std::fprintf(stderr,
               "usage: startup_probe <orgtrail binary> [runs]\n"
               "       startup_probe --command <runs> -- <program> [args with {port}...]\n"
               "       startup_probe --print-request <port>\n"
               "       startup_probe --send <port>\n"
               "       startup_probe --free-port\n");
  return 2;
}

int ParsePositive(const char* s) {
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  return (end && *end == '\0' && v > 0 && v <= 65535) ? static_cast<int>(v) : -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string_view first = argv[1];
  if (first == "--free-port") {
    const int port = FreePort();
    if (port <= 0) return 1;
    std::printf("%d\n", port);
    return 0;
  }
  if (first == "--print-request" || first == "--send") {
    const int port = argc == 3 ? ParsePositive(argv[2]) : -1;
    if (port <= 0) return Usage();
    return first == "--send" ? SendOne(port) : PrintRequest(port);
  }
  if (first == "--command") {
    const int runs = argc >= 5 ? ParsePositive(argv[2]) : -1;
    if (runs <= 0 || std::string_view(argv[3]) != "--") return Usage();
    return Measure(std::vector<std::string>(argv + 4, argv + argc), runs, /*quiet_child=*/true,
                   /*require_clean_exit=*/false);
  }
  if (first.starts_with("-")) return Usage();
  const int runs = argc >= 3 ? ParsePositive(argv[2]) : 5;
  if (runs <= 0 || argc > 3) return Usage();
  return Measure({argv[1], "serve", "--in-memory", "--port", "{port}", "--log-level", "warn"}, runs,
                 /*quiet_child=*/false, /*require_clean_exit=*/true);
}
