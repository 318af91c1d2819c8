// client (C++17): the C example's job, written the way a C++ service would use genie's
// resilient client: the client, the stream and an owned summary held by std::unique_ptr with
// custom deleters, failures as exceptions that carry the attempt list, genie_str viewed as
// std::string_view, and the mock provider process owned by an RAII guard.
//
// The route is gemini-2.5-pro, then gemini-2.5-flash; the mock makes the pro model stall after
// three deltas on every request. genie detects the stall, reconnects once, asks without
// streaming, then fails over to flash, telling the reader to discard the partial text first.
//
// Usage: client [base-url]   (without it: starts $GENIE_MOCK_PROVIDER, default
//        target/release/genie-mock-provider relative to the repository root)
//
// Build (from the repository root, after `cargo build --release -p genie-ffi -p
// genie-mock-provider`), one line:
//   c++ -std=c++17 -Iinclude examples/cpp/client.cpp -Ltarget/release -lgenie
//       -Wl,-rpath,$PWD/target/release -o client

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "genie.h"

extern char **environ;

namespace genie {

// Borrowed, like the genie_str it views: copy it into a std::string to keep it.
inline std::string_view view(genie_str s) {
    return s.ptr == nullptr ? std::string_view() : std::string_view(s.ptr, s.len);
}

// One attempt of a call, copied out of genie.
struct attempt {
    std::string model, mode, outcome;
    int http_status;
    std::uint64_t duration_ms;

    explicit attempt(const genie_attempt &a)
        : model(view(a.model)), mode(view(a.mode)), outcome(view(a.outcome)),
          http_status(a.http_status), duration_ms(a.duration_ms) {}
};

// A failed genie call: the stable code (what() starts with it), genie's message and, for a
// call that could not be served, every attempt it made.
class error : public std::runtime_error {
public:
    error(genie_status status, const std::string &message, std::vector<attempt> attempts = {})
        : std::runtime_error(std::string(genie_status_str(status)) + ": " + message),
          status_(status), attempts_(std::move(attempts)) {}
    genie_status status() const noexcept { return status_; }
    const std::vector<attempt> &attempts() const noexcept { return attempts_; }

private:
    genie_status status_;
    std::vector<attempt> attempts_;
};

inline void check(genie_status status) {
    if (status != GENIE_STATUS_OK) {
        throw error(status, genie_last_error_message());
    }
}

struct client_deleter {
    void operator()(genie_client *c) const noexcept { genie_client_free(c); }
};
struct stream_deleter {
    void operator()(genie_stream *s) const noexcept { genie_stream_free(s); }
};
struct summary_deleter {
    void operator()(genie_call_summary *s) const noexcept { genie_call_summary_free(s); }
};
using client_ptr = std::unique_ptr<genie_client, client_deleter>;
using stream_ptr = std::unique_ptr<genie_stream, stream_deleter>;
using summary_ptr = std::unique_ptr<genie_call_summary, summary_deleter>;

// Thread-safe: share one client between threads.
inline client_ptr make_client(std::string_view config_json) {
    genie_client *raw = nullptr;
    check(genie_client_new(config_json.data(), config_json.size(), &raw));
    return client_ptr(raw);
}

inline std::vector<attempt> summary_attempts(const genie_call_summary *summary) {
    std::size_t n = 0;
    check(genie_call_summary_attempts_len(summary, &n));
    std::vector<attempt> out;
    for (std::size_t i = 0; i < n; i++) {
        genie_attempt a;
        check(genie_call_summary_attempt(summary, i, &a));
        out.emplace_back(a);
    }
    return out;
}

// Streams `request_json`, calling on_event(const genie_call_event &) for every event, from
// this thread. Throws genie::error with the attempt list when the call cannot be served.
template <class F> void stream(genie_client &client, std::string_view request_json, F &&on_event) {
    genie_stream *raw = nullptr;
    check(genie_client_stream(&client, request_json.data(), request_json.size(), &raw));
    stream_ptr s(raw); // freed (and the HTTP request aborted) however we leave
    genie_call_event ev;
    genie_status status;
    while ((status = genie_stream_next(s.get(), GENIE_STREAM_WAIT_FOREVER, &ev)) ==
           GENIE_STATUS_OK) {
        on_event(ev); // the event borrows from the stream until the next genie_stream_next
    }
    if (status == GENIE_STATUS_STREAM_END) {
        return;
    }
    std::string message = genie_last_error_message();
    std::size_t n = 0;
    check(genie_stream_attempts_len(s.get(), &n));
    std::vector<attempt> attempts;
    for (std::size_t i = 0; i < n; i++) {
        genie_attempt a;
        check(genie_stream_attempt(s.get(), i, &a));
        attempts.emplace_back(a);
    }
    throw error(status, message, std::move(attempts));
}

// Runs a call to its end and returns its owned summary.
inline summary_ptr complete(genie_client &client, std::string_view request_json) {
    genie_call_summary *raw = nullptr;
    check(genie_client_complete(&client, request_json.data(), request_json.size(), &raw));
    return summary_ptr(raw);
}

} // namespace genie

namespace {

// The mock provider as a child process: started by the constructor, stopped (stdin closed,
// waited for) by the destructor.
class mock_provider {
public:
    mock_provider() {
        const char *binary = std::getenv("GENIE_MOCK_PROVIDER");
        if (binary == nullptr || *binary == '\0') {
            binary = "target/release/genie-mock-provider";
        }
        int in[2], out[2];
        if (pipe(in) != 0 || pipe(out) != 0) {
            throw std::runtime_error("pipe failed");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in[0], 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_addclose(&actions, in[1]);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        std::string path = binary;
        std::string flag = "--exit-on-stdin-eof";
        char *argv[] = {path.data(), flag.data(), nullptr};
        int spawned = posix_spawn(&pid_, binary, &actions, nullptr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        close(in[0]);
        close(out[1]);
        stdin_ = in[1];
        std::string line; // the first stdout line is PORT=<n>
        char c;
        while (spawned == 0 && read(out[0], &c, 1) == 1 && c != '\n') {
            line += c;
        }
        close(out[0]);
        if (spawned != 0 || line.rfind("PORT=", 0) != 0) {
            stop();
            throw std::runtime_error(path + " did not start (build it: cargo build --release "
                                            "-p genie-mock-provider)");
        }
        url_ = "http://127.0.0.1:" + line.substr(5);
    }
    ~mock_provider() { stop(); }
    mock_provider(const mock_provider &) = delete;
    mock_provider &operator=(const mock_provider &) = delete;
    const std::string &url() const { return url_; }

private:
    void stop() noexcept {
        if (stdin_ >= 0) {
            close(stdin_);
            stdin_ = -1;
            if (pid_ > 0) {
                waitpid(pid_, nullptr, 0);
            }
        }
    }
    pid_t pid_ = -1;
    int stdin_ = -1;
    std::string url_;
};

void print_event(const genie_call_event &ev) {
    using genie::view;
    switch (ev.type) {
    case GENIE_CALL_EVENT_STARTED:
        std::cout << "started   " << view(ev.model) << " via " << view(ev.provider)
                  << " (attempt " << ev.attempt << ", " << view(ev.mode) << ")\n";
        break;
    case GENIE_CALL_EVENT_TEXT:
        std::cout << "text      \"" << view(ev.text) << "\"\n";
        break;
    case GENIE_CALL_EVENT_RESET:
        std::cout << "reset     discard the text shown so far: " << view(ev.reason) << '\n';
        break;
    case GENIE_CALL_EVENT_NOTICE:
        std::cout << "notice    " << view(ev.kind) << ": " << view(ev.message);
        if (ev.delay_ms >= 0) {
            std::cout << " (in " << ev.delay_ms << " ms)";
        }
        std::cout << '\n';
        break;
    case GENIE_CALL_EVENT_USAGE:
        std::cout << "usage     " << ev.usage.input_tokens << " tokens in, "
                  << ev.usage.output_tokens << " out\n";
        break;
    case GENIE_CALL_EVENT_DONE:
        std::cout << "done\n";
        break;
    }
}

void print_summary(const genie_call_summary *summary) {
    using genie::view;
    genie_str model, provider, text, reason, raw;
    genie_call_timings t;
    bool complete = false;
    genie::check(genie_call_summary_model(summary, &model, &provider));
    genie::check(genie_call_summary_text(summary, &text));
    genie::check(genie_call_summary_finish_reason(summary, &reason, &raw));
    genie::check(genie_call_summary_complete(summary, &complete));
    genie::check(genie_call_summary_timings(summary, &t));
    std::cout << "\nanswered by " << view(model) << " (" << view(provider)
              << "), finish reason " << view(reason) << ", complete: " << (complete ? "yes" : "no")
              << "\nanswer: " << view(text) << std::fixed << std::setprecision(0)
              << "\ntime to first byte " << t.ttfb_ms << " ms, to first token " << t.ttft_ms
              << " ms, total " << t.total_ms << " ms\nattempts:\n";
    int i = 0;
    for (const genie::attempt &a : genie::summary_attempts(summary)) {
        std::cout << "  " << ++i << ". " << std::left << std::setw(18) << a.model << ' '
                  << std::setw(10) << a.mode << ' ' << std::setw(17) << a.outcome << " HTTP "
                  << std::right << std::setw(3) << a.http_status << ' ' << std::setw(5)
                  << a.duration_ms << " ms\n";
    }
}

int run(const std::string &url) {
    // The mock reads a fault script from the model name after '@': the pro model stalls
    // after its third delta, every time.
    const std::string config =
        R"({"providers": {"mock": {"kind": "gemini", "base_url": ")" + url + R"("}},
            "models": {
              "gemini-2.5-pro": {"provider": "mock", "id": "gemini-2.5-pro@stall_after=3"},
              "gemini-2.5-flash": {"provider": "mock", "id": "gemini-2.5-flash"}},
            "fallbacks": {"gemini-2.5-pro": ["gemini-2.5-flash"]},
            "timeouts": {"stall_gap_ms": 500, "non_stream_ms": 1000, "total_ms": 30000}})";
    genie::client_ptr client = genie::make_client(config);

    genie::stream(*client,
                  R"({"model": "gemini-2.5-pro", "system": "You are terse.",
                      "messages": [{"role": "user", "content": "Say it."}]})",
                  [](const genie_call_event &ev) {
                      print_event(ev);
                      if (ev.type == GENIE_CALL_EVENT_DONE) {
                          print_summary(ev.summary); // lent by the stream
                      }
                  });

    // The same client, the non-streaming way: an owned summary, freed by its unique_ptr.
    genie::summary_ptr summary = genie::complete(
        *client, R"({"model": "gemini-2.5-flash", "messages": [{"role": "user", "content": "Again."}]})");
    genie_str text;
    genie::check(genie_call_summary_text(summary.get(), &text));
    std::cout << "\ncomplete(): " << text.len << " bytes from "
              << genie::summary_attempts(summary.get()).size() << " attempt(s)\n";
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    try {
        if (argc > 1) {
            return run(argv[1]);
        }
        mock_provider mock;
        return run(mock.url());
    } catch (const genie::error &e) {
        std::cerr << e.what() << '\n';
        for (const genie::attempt &a : e.attempts()) {
            std::cerr << "  attempt: " << a.model << ' ' << a.mode << ' ' << a.outcome << '\n';
        }
        return 1;
    } catch (const std::exception &e) {
        std::cerr << e.what() << '\n';
        return 1;
    }
}
