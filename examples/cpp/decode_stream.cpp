// decode_stream (C++17): the C example's job, written the way a C++ service would use
// genie: handles owned by std::unique_ptr with custom deleters, failures as exceptions,
// genie_str viewed as std::string_view, and callbacks as lambdas (with C++ exceptions kept
// from crossing the C library).
//
// Usage: decode_stream [provider [file]]   (defaults: openai,
//        tests/fixtures/providers/openai-complete.sse relative to the repository root)
//
// Build (from the repository root, after `cargo build --release -p genie-ffi`), one line:
//   c++ -std=c++17 -Iinclude examples/cpp/decode_stream.cpp -Ltarget/release -lgenie
//       -Wl,-rpath,$PWD/target/release -o decode_stream

#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "genie.h"

namespace genie {

// A failed genie call: the stable code (what() starts with it) and genie's message.
class error : public std::runtime_error {
public:
    error(genie_status status, const std::string &message)
        : std::runtime_error(std::string(genie_status_str(status)) + ": " + message),
          status_(status) {}
    genie_status status() const noexcept { return status_; }

private:
    genie_status status_;
};

inline void check(genie_status status) {
    if (status != GENIE_STATUS_OK) {
        throw error(status, genie_last_error_message());
    }
}

// Borrowed, like the genie_str it views: copy it into a std::string to keep it.
inline std::string_view view(genie_str s) {
    return s.ptr == nullptr ? std::string_view() : std::string_view(s.ptr, s.len);
}

struct decoder_deleter {
    void operator()(genie_stream_decoder *decoder) const noexcept {
        genie_stream_decoder_free(decoder);
    }
};
using decoder_ptr = std::unique_ptr<genie_stream_decoder, decoder_deleter>;

inline decoder_ptr make_decoder(const std::string &provider) {
    genie_stream_decoder *raw = nullptr;
    check(genie_stream_decoder_new(provider.c_str(), nullptr, &raw));
    return decoder_ptr(raw);
}

// Feeds one chunk, calling on_event(const genie_decoder_event &) for each decoded event.
// An exception from on_event must not unwind through the C library, so it is caught in the
// trampoline and rethrown once genie has returned. Returns OK or LIMIT_EXCEEDED (the one
// recoverable status); anything else throws.
template <class F>
genie_status feed(genie_stream_decoder &decoder, const std::uint8_t *data, std::size_t len,
                  F &&on_event) {
    struct context {
        F *on_event;
        std::exception_ptr failure;
    } ctx{&on_event, nullptr};
    auto trampoline = [](void *userdata, const genie_decoder_event *event) {
        auto *c = static_cast<context *>(userdata);
        if (c->failure) {
            return;
        }
        try {
            (*c->on_event)(*event);
        } catch (...) {
            c->failure = std::current_exception();
        }
    };
    genie_status status = genie_stream_decoder_feed(&decoder, data, len, trampoline, &ctx);
    if (ctx.failure) {
        std::rethrow_exception(ctx.failure);
    }
    if (status != GENIE_STATUS_LIMIT_EXCEEDED) {
        check(status);
    }
    return status;
}

}  // namespace genie

namespace {

struct file_closer {
    void operator()(std::FILE *file) const noexcept { std::fclose(file); }
};

void print_count(const char *name, std::int64_t count) {
    std::cout << "  " << name << ": ";
    if (count < 0) {
        std::cout << "not reported\n";
    } else {
        std::cout << count << '\n';
    }
}

int run(const std::string &provider, const std::string &path) {
    std::unique_ptr<std::FILE, file_closer> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        std::perror(path.c_str());
        return 1;
    }
    genie::decoder_ptr decoder = genie::make_decoder(provider);

    std::uint8_t chunk[2048];
    std::size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) {
        genie_status status =
            genie::feed(*decoder, chunk, n, [](const genie_decoder_event &event) {
                if (event.type == GENIE_DECODER_EVENT_TEXT) {
                    std::cout << genie::view(event.text) << std::flush;
                } else if (event.type == GENIE_DECODER_EVENT_ERROR) {
                    std::cerr << "\n[provider error, " << genie::view(event.error.kind)
                              << ": " << genie::view(event.error.message) << "]\n";
                } else if (event.type == GENIE_DECODER_EVENT_MALFORMED) {
                    std::cerr << "\n[skipped a malformed event]\n";
                }
            });
        if (status == GENIE_STATUS_LIMIT_EXCEEDED) {
            std::cerr << "\n[" << genie_last_error_message() << "]\n";
        }
    }
    if (std::ferror(file.get())) {
        std::perror(path.c_str());
        return 1;
    }

    genie_decoder_summary summary;
    genie::check(genie_stream_decoder_finish(decoder.get(), &summary));
    // The summary borrows from the decoder, which the unique_ptr keeps alive to the end.
    std::cout << "\n\nprovider: " << genie::view(summary.provider) << "\nusage:\n";
    print_count("input tokens", summary.usage.input_tokens);
    print_count("output tokens", summary.usage.output_tokens);
    print_count("total tokens", summary.usage.total_tokens);
    print_count("cached tokens", summary.usage.cached_tokens);
    print_count("reasoning tokens", summary.usage.reasoning_tokens);
    if (summary.finish_reason.ptr != nullptr) {
        std::cout << "finish reason: " << genie::view(summary.finish_reason)
                  << " (provider said " << genie::view(summary.raw_finish_reason) << ")\n";
    }
    if (summary.error.kind.ptr != nullptr) {
        std::cout << "provider error: " << genie::view(summary.error.kind) << '\n';
    }
    std::cout << "complete: "
              << (summary.complete ? "yes"
                                   : "NO - the stream ended before the provider's end "
                                     "marker; do not present this answer as whole")
              << '\n';
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    const std::string provider = argc > 1 ? argv[1] : "openai";
    const std::string path =
        argc > 2 ? argv[2] : "tests/fixtures/providers/openai-complete.sse";
    try {
        return run(provider, path);
    } catch (const genie::error &e) {
        std::cerr << e.what() << '\n';
        return 1;
    }
}
