#include "dns/live_source.h"

#include <ares.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "dns/dns_name_text.h"
#include "dns/response_parser.h"
#include "dns/rtt_estimate.h"

namespace mv {
namespace {

struct Group;

struct Request {
  std::string name;  // the name asked now (changes when a CNAME target is re-queried)
  DnsType type = DnsType::kTxt;
  DnsAnswer answer;
  std::vector<std::string> chain;
  uint32_t chain_ttl = UINT32_MAX;
  int requeries = 0;
  uint64_t window_id = 0;  // its place in the --dns-concurrency window (Loop::counting_)
  std::chrono::steady_clock::time_point started;  // when its current query was sent
  Group* group = nullptr;
  LiveDnsSource::Loop* loop = nullptr;
};

// The questions of one LookupManyAsync call. Its last answer hands every answer to `done` (on the
// event-loop thread) and frees the group.
struct Group {
  std::vector<Request> requests;
  size_t remaining = 0;  // touched only by the loop thread once submitted
  std::function<void(std::vector<DnsAnswer>)> done;

  void Deliver() {
    std::vector<DnsAnswer> answers;
    answers.reserve(requests.size());
    for (Request& r : requests) answers.push_back(std::move(r.answer));
    std::function<void(std::vector<DnsAnswer>)> callback = std::move(done);
    delete this;
    callback(std::move(answers));
  }
};

DnsAnswer FailureAnswer(DnsStatus status, std::string error) {
  DnsAnswer a;
  a.status = status;
  a.source = "dns";
  a.error = std::move(error);
  return a;
}

// Statuses c-ares reports without a response buffer.
DnsAnswer AnswerFromAresStatus(int status) {
  switch (status) {
    case ARES_ETIMEOUT: {
      DnsAnswer a = FailureAnswer(DnsStatus::kTempError, "DNS timeout");
      a.timeout = true;
      return a;
    }
    case ARES_EBADNAME:
    case ARES_EBADQUERY:
    case ARES_EBADRESP:
    case ARES_EFORMERR:
      return FailureAnswer(DnsStatus::kPermError, std::string("DNS: ") + ares_strerror(status));
    default:  // SERVFAIL, REFUSED, connection refused, shutdown...
      return FailureAnswer(DnsStatus::kTempError, std::string("DNS: ") + ares_strerror(status));
  }
}

}  // namespace

bool IsQueryableDnsName(std::string_view name) {
  // RFC 2181 11: a label may hold any byte, and SPF macros (RFC 7208 7.3) expand to spaces and '%'.
  // Only NUL is refused: c-ares takes the name as a C string.
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (c == '\0') return false;
    if (++label > 63) return false;
  }
  return label > 0;
}

class LiveDnsSource::Loop {
 public:
  explicit Loop(const LiveDnsOptions& options) : options_(options) {}

  Status Init() {
    static std::once_flag init_once;
    static int init_status = ARES_SUCCESS;
    std::call_once(init_once, [] { init_status = ares_library_init(ARES_LIB_INIT_ALL); });
    if (init_status != ARES_SUCCESS) {
      return Status::Error(std::string("c-ares init: ") + ares_strerror(init_status));
    }
    ares_options opts = {};
    int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB;
    opts.flags =
        (options_.edns ? ARES_FLAG_EDNS : 0) | (options_.ignore_truncation ? ARES_FLAG_IGNTC : 0);
    opts.timeout = options_.timeout_ms;
    opts.tries = options_.tries;
    opts.sock_state_cb = &Loop::OnSocketState;
    opts.sock_state_cb_data = this;
    if (options_.receive_buffer_bytes > 0) {
      mask |= ARES_OPT_SOCK_RCVBUF;
      opts.socket_receive_buffer_size = options_.receive_buffer_bytes;
    }
    if (options_.edns) {
      mask |= ARES_OPT_EDNSPSZ;
      opts.ednspsz = options_.edns_size;
    }
    int rc = ares_init_options(&channel_, &opts, mask);
    if (rc != ARES_SUCCESS) return Status::Error(std::string("c-ares: ") + ares_strerror(rc));
    ares_set_socket_callback(channel_, &Loop::OnSocketCreated, this);
    if (!options_.servers.empty()) {
      std::string csv;
      for (const std::string& s : options_.servers) csv += (csv.empty() ? "" : ",") + s;
      rc = ares_set_servers_ports_csv(channel_, csv.c_str());
      if (rc != ARES_SUCCESS) {
        return Status::Error("bad DNS server list '" + csv + "': " + ares_strerror(rc));
      }
    }
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) return Status::Error("eventfd failed");
    thread_ = std::thread([this] { Run(); });
    return Status::Ok();
  }

  ~Loop() {
    if (thread_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
      }
      Wake();
      thread_.join();
    }
    if (channel_ != nullptr) ares_destroy(channel_);
    if (wake_fd_ >= 0) close(wake_fd_);
  }

  void Submit(std::vector<Request*>& requests) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (Request* r : requests) queue_.push_back(r);
    }
    Wake();
  }

  size_t Queued() const {
    std::lock_guard<std::mutex> lock(mu_);
    return queue_.size();
  }

  LiveDnsStats stats() const {
    auto load = [](const std::atomic<uint64_t>& v) { return v.load(std::memory_order_relaxed); };
    LiveDnsStats s;
    s.queries = load(queries_);
    s.timeouts = load(timeouts_);
    s.failures = load(failures_);
    s.a = load(by_type_[0]);
    s.aaaa = load(by_type_[1]);
    s.mx = load(by_type_[2]);
    s.txt = load(by_type_[3]);
    s.ptr = load(by_type_[4]);
    s.other = load(by_type_[5]);
    s.cname_requeries = load(cname_requeries_);
    s.retries = load(retries_);
    s.tcp_connections = load(tcp_connections_);
    return s;
  }

  uint32_t negative_ttl() const { return options_.negative_ttl; }

 private:
  void Wake() {
    const uint64_t one = 1;
    ssize_t n = write(wake_fd_, &one, sizeof one);
    (void)n;  // a full counter already means "wake up"
  }

  void Run() {
    std::vector<pollfd> fds;
    for (;;) {
      std::vector<Request*> starting;
      bool waiting = false;  // questions queued for a place in the window
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) break;
        AgeWindow();
        while (counted_ + starting.size() < options_.max_in_flight &&
               in_flight_ + starting.size() < kMaxWindowsInFlight * options_.max_in_flight &&
               !queue_.empty()) {
          starting.push_back(queue_.front());
          queue_.pop_front();
        }
        waiting = !queue_.empty();
      }
      for (Request* r : starting) Start(r);
      RestartFollowUps();

      fds.clear();
      fds.push_back({wake_fd_, POLLIN, 0});
      for (const auto& [fd, rw] : sockets_) {
        fds.push_back(
            {fd, static_cast<short>((rw.first ? POLLIN : 0) | (rw.second ? POLLOUT : 0)), 0});
      }
      int wait_ms = -1;
      timeval tv = {};
      if (in_flight_ > 0 && ares_timeout(channel_, nullptr, &tv) != nullptr) {
        wait_ms = static_cast<int>(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
      }
      if (waiting && !window_starts_.empty()) {
        // Wake when the oldest query leaves the window, to start a queued one in its place.
        const auto left = window_starts_.front().first + AgeLimit() - Clock::now();
        const int ms = static_cast<int>(
            std::max<int64_t>(1, std::chrono::ceil<std::chrono::milliseconds>(left).count()));
        wait_ms = wait_ms < 0 ? ms : std::min(wait_ms, ms);
      }
      int ready = poll(fds.data(), fds.size(), wait_ms);
      if (ready < 0) continue;  // EINTR
      if (fds[0].revents & POLLIN) {
        uint64_t count;
        ssize_t n = read(wake_fd_, &count, sizeof count);
        (void)n;
      }
      bool processed = false;
      for (size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        const bool readable = fds[i].revents & (POLLIN | POLLERR | POLLHUP);
        const bool writable = fds[i].revents & POLLOUT;
        ares_process_fd(channel_, readable ? fds[i].fd : ARES_SOCKET_BAD,
                        writable ? fds[i].fd : ARES_SOCKET_BAD);
        processed = true;
      }
      // Timeouts are handled by every ares_process_fd call; make one when no socket was ready.
      if (!processed && in_flight_ > 0) ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      RestartFollowUps();
    }
    // Shutting down: destroying the channel calls back every outstanding query with
    // ARES_EDESTRUCTION; questions still queued are answered temperror as well.
    ares_destroy(channel_);
    channel_ = nullptr;
    std::deque<Request*> left;
    {
      std::lock_guard<std::mutex> lock(mu_);
      left.swap(queue_);
    }
    for (Request* r : restart_) left.push_back(r);
    restart_.clear();
    for (Request* r : left) {
      Finish(r, FailureAnswer(DnsStatus::kTempError, "DNS resolver shut down"));
    }
  }

  using Clock = std::chrono::steady_clock;

  std::chrono::milliseconds FirstTry() const {
    return std::chrono::milliseconds(options_.timeout_ms);
  }

  // A query stops counting against the window once it has waited longer than the resolver's
  // answers take (RFC 6298's RTO over the answers so far, at least kMinAge), and at the latest when
  // its first try times out: it most likely waits on a dead or stalled server. Holding its place
  // through the whole timeout chain (2 s + 4 s by default) let a few hundred dead domains hold
  // every place while live questions queued behind them (issue 15: 26 s instead of ~12 s with 5%
  // of 5,000 sending domains dead); holding it for the whole first try still cost 750 dead
  // questions x 2 s of a 256-place window at 30 ms (16.4 s). The query itself is not cancelled: it
  // keeps its timeouts and retries, and its answer is used if one comes. In a storm of such
  // queries at most kMaxWindowsInFlight windows' worth are outstanding.
  static constexpr std::chrono::milliseconds kMinAge{250};
  static constexpr size_t kMaxWindowsInFlight = 4;

  Clock::duration AgeLimit() const {
    return rtt_.Limit(std::chrono::duration_cast<RttEstimate::Duration>(kMinAge),
                      std::chrono::duration_cast<RttEstimate::Duration>(FirstTry()));
  }

  void AgeWindow() {
    const Clock::time_point now = Clock::now();
    const Clock::duration limit = AgeLimit();
    while (!window_starts_.empty() && now - window_starts_.front().first >= limit) {
      if (counting_.erase(window_starts_.front().second) > 0) --counted_;
      window_starts_.pop_front();
    }
  }

  void LeaveWindow(Request* r) {
    if (counting_.erase(r->window_id) > 0) --counted_;
  }

  void Start(Request* r) {
    ++in_flight_;
    r->window_id = next_window_id_++;
    counting_.insert(r->window_id);
    ++counted_;
    r->started = Clock::now();
    window_starts_.emplace_back(r->started, r->window_id);
    queries_.fetch_add(1, std::memory_order_relaxed);
    by_type_[TypeSlot(r->type)].fetch_add(1, std::memory_order_relaxed);
    ares_query(channel_, AresQueryName(r->name).c_str(), 1 /* C_IN */, static_cast<int>(r->type),
               &Loop::OnAnswer, r);
  }

  void RestartFollowUps() {
    while (!restart_.empty()) {
      std::vector<Request*> again;
      again.swap(restart_);
      for (Request* r : again) Start(r);
    }
  }

  static void OnAnswer(void* arg, int status, int timeouts, unsigned char* abuf, int alen) {
    auto* r = static_cast<Request*>(arg);
    Loop* loop = r->loop;
    --loop->in_flight_;
    loop->LeaveWindow(r);
    // Each timed-out try was followed by another (or ended the query, on the last try).
    if (timeouts > 0) {
      const int resent = status == ARES_ETIMEOUT ? timeouts - 1 : timeouts;
      loop->retries_.fetch_add(static_cast<uint64_t>(std::max(resent, 0)),
                               std::memory_order_relaxed);
    }
    if (abuf == nullptr || alen <= 0 || status == ARES_EDESTRUCTION) {
      loop->Finish(r, AnswerFromAresStatus(status));
      return;
    }
    if (timeouts == 0) {
      loop->rtt_.Add(std::chrono::duration_cast<RttEstimate::Duration>(Clock::now() - r->started));
    }
    // Asking again would bring the same bytes back, so an oversized answer is a permanent error.
    if (static_cast<size_t>(alen) > loop->options_.max_answer_bytes) {
      loop->Finish(r, FailureAnswer(DnsStatus::kPermError,
                                    "answer of " + std::to_string(alen) +
                                        " bytes, larger than the limit of " +
                                        std::to_string(loop->options_.max_answer_bytes)));
      return;
    }
    ParsedResponse parsed =
        ParseDnsResponse(std::span<const uint8_t>(abuf, static_cast<size_t>(alen)), r->name,
                         r->type, loop->negative_ttl());
    for (std::string& n : parsed.answer.cname_chain) r->chain.push_back(std::move(n));
    parsed.answer.cname_chain.clear();
    if (!parsed.follow.empty() || r->chain.empty()) parsed.answer.canonical_name.clear();
    r->chain_ttl = std::min(r->chain_ttl, parsed.chain_ttl);
    if (!parsed.follow.empty()) {
      if (r->requeries >= loop->options_.max_cname_queries) {
        loop->Finish(
            r, FailureAnswer(DnsStatus::kPermError, "CNAME chain too long at " + parsed.follow));
        return;
      }
      ++r->requeries;
      loop->cname_requeries_.fetch_add(1, std::memory_order_relaxed);
      r->name = std::move(parsed.follow);
      loop->restart_.push_back(r);
      return;
    }
    loop->Finish(r, std::move(parsed.answer));
  }

  void Finish(Request* r, DnsAnswer answer) {
    if (answer.ok()) answer.ttl = std::min(answer.ttl, r->chain_ttl);
    if (answer.timeout) timeouts_.fetch_add(1, std::memory_order_relaxed);
    if (answer.status == DnsStatus::kTempError || answer.status == DnsStatus::kPermError) {
      failures_.fetch_add(1, std::memory_order_relaxed);
    }
    if (!r->chain.empty() && answer.canonical_name.empty()) answer.canonical_name = r->name;
    answer.cname_chain = std::move(r->chain);
    r->answer = std::move(answer);
    Group* group = r->group;
    if (--group->remaining == 0) group->Deliver();
  }

  static size_t TypeSlot(DnsType type) {
    switch (type) {
      case DnsType::kA:
        return 0;
      case DnsType::kAaaa:
        return 1;
      case DnsType::kMx:
        return 2;
      case DnsType::kTxt:
        return 3;
      case DnsType::kPtr:
        return 4;
      default:
        return 5;
    }
  }

  // Called by c-ares for every socket it creates.
  static int OnSocketCreated(ares_socket_t, int type, void* data) {
    if (type == SOCK_STREAM) {
      static_cast<Loop*>(data)->tcp_connections_.fetch_add(1, std::memory_order_relaxed);
    }
    return ARES_SUCCESS;
  }

  static void OnSocketState(void* data, ares_socket_t fd, int readable, int writable) {
    auto* loop = static_cast<Loop*>(data);
    if (!readable && !writable) {
      loop->sockets_.erase(fd);
    } else {
      loop->sockets_[fd] = {readable != 0, writable != 0};
    }
  }

  LiveDnsOptions options_;
  ares_channel channel_ = nullptr;
  int wake_fd_ = -1;
  std::thread thread_;
  mutable std::mutex mu_;
  std::deque<Request*> queue_;  // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  // Owned by the loop thread:
  size_t in_flight_ = 0;
  size_t counted_ = 0;  // of in_flight_: those that count against the window
  uint64_t next_window_id_ = 1;
  std::unordered_set<uint64_t> counting_;  // window ids of the queries counted_
  std::deque<std::pair<Clock::time_point, uint64_t>> window_starts_;  // in start order
  std::vector<Request*> restart_;  // CNAME targets to ask once the current c-ares call returns
  RttEstimate rtt_;                // of the answers so far (first tries)
  std::map<ares_socket_t, std::pair<bool, bool>> sockets_;  // fd -> (read, write) interest
  std::atomic<uint64_t> queries_{0}, timeouts_{0}, failures_{0};
  std::atomic<uint64_t> by_type_[6] = {};  // TypeSlot order
  std::atomic<uint64_t> cname_requeries_{0}, retries_{0}, tcp_connections_{0};
};

LiveDnsSource::LiveDnsSource(std::unique_ptr<Loop> loop) : loop_(std::move(loop)) {}
LiveDnsSource::~LiveDnsSource() = default;

Result<std::unique_ptr<LiveDnsSource>> LiveDnsSource::Create(const LiveDnsOptions& options) {
  if (options.max_in_flight == 0 || options.tries < 1 || options.timeout_ms < 1) {
    return Status::Error("live DNS: window, tries and timeout must be positive");
  }
  auto loop = std::make_unique<Loop>(options);
  Status st = loop->Init();
  if (!st.ok()) return st;
  return std::unique_ptr<LiveDnsSource>(new LiveDnsSource(std::move(loop)));
}

DnsAnswer LiveDnsSource::Lookup(std::string_view name, DnsType type) {
  DnsQuestion q{NormalizeDnsName(name), type};
  return std::move(LookupMany(std::span<const DnsQuestion>(&q, 1)).front());
}

void LiveDnsSource::Prefetch(std::span<const DnsQuestion> questions) {
  LookupMany(questions);
}

std::vector<DnsAnswer> LiveDnsSource::LookupMany(std::span<const DnsQuestion> questions) {
  std::mutex mu;
  std::condition_variable cv;
  bool delivered = false;
  std::vector<DnsAnswer> answers;
  LookupManyAsync(std::vector<DnsQuestion>(questions.begin(), questions.end()),
                  [&](std::vector<DnsAnswer> a) {
                    std::lock_guard<std::mutex> lock(mu);
                    answers = std::move(a);
                    delivered = true;
                    cv.notify_all();
                  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return delivered; });
  return answers;
}

void LiveDnsSource::LookupManyAsync(std::vector<DnsQuestion> questions,
                                    std::function<void(std::vector<DnsAnswer>)> done) {
  auto* group = new Group;
  group->requests.resize(questions.size());
  group->done = std::move(done);
  std::vector<Request*> submit;
  for (size_t i = 0; i < questions.size(); ++i) {
    Request& r = group->requests[i];
    r.name = NormalizeDnsName(questions[i].name);
    r.type = questions[i].type;
    if (!IsQueryableDnsName(r.name)) {
      r.answer = FailureAnswer(DnsStatus::kPermError, "not a queryable DNS name: '" + r.name + "'");
      continue;
    }
    r.group = group;
    r.loop = loop_.get();
    submit.push_back(&r);
  }
  if (submit.empty()) {
    group->Deliver();
    return;
  }
  // Set before submitting: from then on only the loop thread touches the group.
  group->remaining = submit.size();
  loop_->Submit(submit);
}

size_t LiveDnsSource::QueuedQuestions() const {
  return loop_->Queued();
}

LiveDnsStats LiveDnsSource::stats() const {
  return loop_->stats();
}

std::string FormatWireQueries(const LiveDnsStats& s) {
  auto join = [](const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
  };
  auto count = [](uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::vector<std::string> types, extra;
  const std::pair<const char*, uint64_t> kinds[] = {{"TXT", s.txt},   {"A", s.a},
                                                    {"AAAA", s.aaaa}, {"MX", s.mx},
                                                    {"PTR", s.ptr},   {"other", s.other}};
  for (const auto& [name, n] : kinds) {
    if (n != 0) types.push_back(std::string(name) + " " + std::to_string(n));
  }
  if (s.cname_requeries != 0) {
    extra.push_back(count(s.cname_requeries, "CNAME re-query", "CNAME re-queries"));
  }
  if (s.retries != 0) {
    extra.push_back(count(s.retries, "retry after a timeout", "retries after a timeout"));
  }
  if (s.tcp_connections != 0) {
    extra.push_back(count(s.tcp_connections, "TCP connection", "TCP connections"));
  }
  std::string out = join(types);
  if (!extra.empty()) out += (out.empty() ? "" : "; ") + join(extra);
  return out;
}

}  // namespace mv
